/** Path helpers from node:path and node:url (jsr:@std/path is unreachable here). */
export { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The path of a `file:` URL. */
export function fromFileUrl(url: string | URL): string {
  return fileURLToPath(url);
}
