import { IdFilterField } from './fields.js';
import { PageQueryDto } from './pagination.dto.js';

/** `GET {mgmt}/tokens?user_id=&client_id=&page=&per_page=`: either filter, both or neither. */
export class ListTokensQueryDto extends PageQueryDto {
  @IdFilterField()
  user_id?: string;

  @IdFilterField()
  client_id?: string;
}

/** `DELETE {mgmt}/tokens?user_id=…` or `?client_id=…`: exactly one of the two. */
export class RevokeTokensQueryDto {
  @IdFilterField()
  user_id?: string;

  @IdFilterField()
  client_id?: string;
}
