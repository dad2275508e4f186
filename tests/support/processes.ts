/** Child-process helpers, from scripts/lib (shared with the scripts). */
export * from "../../scripts/lib/processes.ts";
