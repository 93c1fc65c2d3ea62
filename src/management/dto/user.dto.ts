import { IsBoolean, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from './pagination.dto.js';
import { NameField, ScopeField } from './fields.js';

/** `POST {mgmt}/users`. The password is hashed with bcrypt and never returned. */
export class CreateUserDto {
  @NameField()
  username!: string;

  /** At most 72 bytes (bcrypt would truncate; docs/security.md 16). */
  @IsNotEmpty()
  @IsString()
  password!: string;

  /** Scopes the user may be granted; empty or omitted means no restriction. */
  @ScopeField()
  scope?: string;

  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

/** `PATCH {mgmt}/users/:id`. A new password or `disabled: true` revokes the user's tokens. */
export class UpdateUserDto {
  @IsOptional()
  @IsNotEmpty()
  @IsString()
  password?: string;

  @ScopeField()
  scope?: string;

  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

/** `GET {mgmt}/users?page=&per_page=&username=`. */
export class ListUsersQueryDto extends PageQueryDto {
  /** Exact username. */
  @IsOptional()
  @MaxLength(200)
  @IsString()
  username?: string;
}
