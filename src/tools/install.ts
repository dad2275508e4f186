/**
 * `install`: puts a plugin where Waypoint finds it — the compiled binary for
 * this machine (from `compile`), or with `--dev` a launcher that runs the
 * source with `deno run`, so authors iterate without compiling — and prints
 * the folders Waypoint searches, in order, marking the one it will use.
 *
 * ```sh
 * deno run -A jsr:@x/waypoint-plugin/install --name gobuilder             # bin/<os>_<arch>/… → …
 * deno run -A jsr:@x/waypoint-plugin/install --name gobuilder --dev --project ../my-app
 * deno run -A jsr:@x/waypoint-plugin/install --name gobuilder --print-paths
 * ```
 *
 * Waypoint 0.11.4's search order, from `DefaultPaths` in
 * `internal/plugin/discover.go` (the first folder holding
 * `waypoint-plugin-<name>` wins, before any built-in plugin of that name):
 *
 * 1. the project folder (the runner's working directory: where `waypoint.hcl` is)
 * 2. `<project>/.waypoint/plugins`
 * 3. `xdg.ConfigFile("waypoint/plugins/.ignore")`'s folder — github.com/adrg/xdg
 *    v0.2.1: `$XDG_CONFIG_HOME` when set to an absolute path (a leading `~` or
 *    `$HOME` is expanded), else `~/.config` on Linux and other Unixes,
 *    `~/Library/Preferences` on macOS, `%LOCALAPPDATA%` on Windows (unset:
 *    `%APPDATA%\Local`, and `%APPDATA%` unset: `%USERPROFILE%\AppData\Local`)
 * 4. `~/.config/waypoint/plugins`, `~` from github.com/mitchellh/go-homedir
 *    (`$HOME`; on Windows `%HOME%`, else `%USERPROFILE%`). Waypoint 0.11.0
 *    and older looked in `~/.config/.waypoint/plugins` here instead (fixed in
 *    0.11.1).
 *
 * On Windows, Waypoint 0.11 looks for the name without `.exe` (it compares
 * `runtime.GOOS == "windows "`, with a space), and Go's `os/exec` then runs
 * that path through `PATHEXT` (`.exe`, `.cmd`, …); so `install` writes both
 * `waypoint-plugin-<name>` and `waypoint-plugin-<name>.exe` (`.cmd` for a
 * launcher), and removes stale siblings that `PATHEXT` would pick first.
 *
 * The parts live in `install/`: `search_paths` (the order above and what each
 * folder holds), `launcher` (`--dev`) and `command`; the tests import them
 * from there.
 *
 * @module
 */
export { HELP, main } from "./install/command.ts";
import { main } from "./install/command.ts";

if (import.meta.main) Deno.exit(await main(Deno.args));
