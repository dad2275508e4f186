/** Path helpers from node:path and node:url (jsr:@std/path is unreachable here). */
export { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export function fromFileUrl(url: string | URL): string {
  return fileURLToPath(url);
}
