/**
 * Where this repository is, for the scripts and the tests: its root, and
 * `tests/.work`, the scratch folder runs write to (git ignores it).
 *
 * @module
 */
import { dirname, fromFileUrl, join } from "./path.ts";

/** The repository's root folder. */
export const REPO: string = join(dirname(fromFileUrl(import.meta.url)), "..", "..");
/** The scratch folder under tests/ that runs write to. */
export const WORK: string = join(REPO, "tests", ".work");
