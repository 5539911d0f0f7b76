// Types shared by the server and the client. The client imports them with `import type`, so no server
// code reaches the browser bundle.
import type { Static } from 'typebox';
import type {
  BookInputSchema,
  BookSchema,
  CategorySchema,
  CommentSchema,
  ExportJobSchema,
  SandboxInfoSchema,
  UserSchema,
} from './schemas/toy-api';

export type Book = Static<typeof BookSchema>;
export type BookInput = Static<typeof BookInputSchema>;
export type BookStatus = Book['status'];
export type Category = Static<typeof CategorySchema>;
export type Comment = Static<typeof CommentSchema>;
export type User = Static<typeof UserSchema>;
export type ExportJob = Static<typeof ExportJobSchema>;
export type SandboxInfo = Static<typeof SandboxInfoSchema>;

/** One bad field or parameter in a problem's `errors` list. */
export interface FieldError {
  /** Name of the field or parameter, e.g. "year" or "per_page". */
  field: string;
  /** Where it was: "body", "query", "path" or "header". */
  location: string;
  /** What is wrong with it, in plain words. */
  message: string;
}

/** RFC 9457 problem details, as every error response carries. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}
