import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from './pagination.dto.js';

/** `GET {mgmt}/tokens?user_id=&client_id=&page=&per_page=`: either filter, both or neither. */
export class ListTokensQueryDto extends PageQueryDto {
  @IsOptional()
  @MaxLength(200)
  @IsNotEmpty()
  @IsString()
  user_id?: string;

  @IsOptional()
  @MaxLength(200)
  @IsNotEmpty()
  @IsString()
  client_id?: string;
}

/** `DELETE {mgmt}/tokens?user_id=…` or `?client_id=…`: exactly one of the two. */
export class RevokeTokensQueryDto {
  @IsOptional()
  @MaxLength(200)
  @IsNotEmpty()
  @IsString()
  user_id?: string;

  @IsOptional()
  @MaxLength(200)
  @IsNotEmpty()
  @IsString()
  client_id?: string;
}
