/**
 * The message of Waypoint's builtin `files` builder: `files.Files`, the app's
 * source directory handed on as the artifact.
 *
 * @module
 */
export { Files } from "../gen/builtin/files.ts";
