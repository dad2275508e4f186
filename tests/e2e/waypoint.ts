/** The real Waypoint CLI and server for a test, from scripts/lib (shared with the benchmark). */
export * from "../../scripts/lib/waypoint.ts";
