import { IsOptional } from 'class-validator';
import { DEFAULT_PER_PAGE, IsPageNumber, IsPerPage } from './validators.js';

/** `?page=&per_page=` of every list; strings as the query string gives them. */
export class PageQueryDto {
  @IsOptional()
  @IsPageNumber()
  page?: string;

  @IsOptional()
  @IsPerPage()
  per_page?: string;
}

/** The page a query asks for, with defaults applied. */
export function pageOf(query: PageQueryDto): { page: number; perPage: number } {
  return {
    page: query.page === undefined ? 1 : Number(query.page),
    perPage: query.per_page === undefined ? DEFAULT_PER_PAGE : Number(query.per_page),
  };
}
