/** How each figure of the table is measured, for the results file. */

/** One paragraph per figure (or group), as bullet points. */
export const METHOD: string[] = [
  "All plugin figures go through `wphost` (tests/conformance: go-plugin v1.4.3 and " +
  "waypoint-plugin-sdk as Waypoint 0.11.4 links them), run with the project folder " +
  "tests/.work/bench/project as cwd and no host log. Runs alternate or follow each other; " +
  "nothing runs in parallel.",
  "Plugins (the prefix of each figure): *gobuilder* = examples/gobuilder/main.ts and its Go " +
  "twin tests/conformance/goplugin (`goPluginBinary()`); *no-op builder* = " +
  "tests/fixtures/bench_noop_plugin.ts (no config, build returns at once) and `goplugin " +
  "-noop` (no config, build(ctx, ui, source, logger) returns at once); *lines builder* = " +
  "tests/fixtures/showcase_plugin.ts with `lines = N` (prints `line I`, returns) and " +
  "`goplugin -noop -lines N` (prints `line I of N`, returns). *TS plugin, deno run* runs " +
  "through the launcher of scripts/lib/launcher.ts `makeLauncher` (`/bin/sh` execs `deno run " +
  "--quiet --no-prompt --cached-only --config deno.json --allow-…`) with a warm cache " +
  "(`deno cache` and two untimed handshakes first); *TS plugin, deno compile* runs the " +
  "compiled binary (only when deno compile has a runtime).",
  "*spawn → exit* (floor): wall time from `Deno.Command.spawn()` to the exit status, seen " +
  "from this script: the launcher with an empty script (same shell, flags and deno.json as " +
  "the plugin launcher) and a Go binary whose main is empty (tests/.work/bench/trivial). " +
  "Two untimed runs first; deno and Go runs alternate.",
  "*spawn → handshake*: `wphost handshake -n RUNS`, go-plugin's `NewClient` + `Client()` " +
  "per round: exec, the handshake line on stdout, the gRPC dial to the announced socket. " +
  "*Kill → exited*: go-plugin's `Kill()` in the same rounds (broker close, " +
  "GRPCController/Shutdown, wait for exit). Ratios to the floor divide by spawn → exit.",
  "*build session*: RUNS × `wphost build -push=false` (plus one untimed), the report's " +
  "`sessionMs`: config load, the mapper process (spawn, ListMappers, kill), the builder " +
  "process (spawn, dispense with the IsAuthenticator probe, ListMappers, ConfigStruct " +
  "[+ Configure when there is a config], BuildSpec, Build with the UI broker, kill). Two " +
  "plugin processes, so the floor ratio compares with two starts' worth of work. The next " +
  "row is `buildCallMs` (BuildSpec + Build) of the same sessions.",
  "*BuildSpec RPC latency*: `wphost rpcbench -n RPC -warmup W`: one process, Builder " +
  "dispensed, then sequential BuildSpec calls with the SDK's generated stub on the " +
  "go-plugin connection; nearest-rank p50/p99 of the per-call time.",
  "*UI*: `wphost uibench -lines N` (the build path with a counting terminal.UI that renders " +
  "nothing); *first line* is the time from the Build call (after BuildSpec) to the first " +
  "line's arrival, which includes the plugin dialing the host's UI broker service; " +
  "*throughput* is the report's `linesPerSec` = text lines ÷ time to the last line (one " +
  "Output event may carry several lines, which the host prints the same way). Median of " +
  "the UI runs; every run must deliver exactly N text lines.",
  "*peak RSS*: wphost is given a wrapper as `-plugin` that runs `/usr/bin/time -f %M -o FILE` " +
  "around `sh -c 'echo $$ > PIDFILE; exec PLUGIN'`; the launcher execs deno, so the " +
  "measured process is the plugin itself, and %M is its peak resident set (wait4's " +
  "ru_maxrss; it would include waited-for children, and these plugins start none). The " +
  "figure is the builder process's (the one that served Build), median over the RSS runs " +
  "of a no-op build session, and over the UI runs for the UI row. Floors: the same tool " +
  "around the empty deno script and the trivial Go binary.",
  "*compiled payload*: compile.ts's two steps, the bundle `writeBundle()` writes, then the " +
  "`deno compile` of it that `compileInvocations()` gives for this machine's target, run " +
  "with `DENORT_BIN`; the payload is the output's size " +
  "minus the runtime's. The floor column compiles the empty script the same way. " +
  "*executable size*: the runtime (floor column), the compiled gobuilder (runtime + " +
  "payload), the goplugin binary as `go build` makes it (not stripped) and the trivial Go " +
  "binary.",
  "*one debug-mode process*: scripts/bench_memory.ts starts tests/fixtures/showcase_plugin.ts " +
  "with `--debug` through the same launcher (so with the toolkit's V8 flags, " +
  "`PLUGIN_V8_FLAGS`) and runs `wphost builds -reattach -n BUILDS -rss-at 500,BUILDS`: each " +
  "build is a `waypoint build` of its own (mapper and builder connections, every UI feature " +
  "through the UI broker, a log line, the result), closing its connections as a CLI exit " +
  "does; RSS is the plugin's VmRSS after one idle second at each count. Every build must " +
  "succeed. The *its bundle as compiled* rows run the same builds against the plugin's " +
  "bundle as `compile` embeds it, started as a compiled plugin starts it (no config, no " +
  "npm or remote modules) with the V8 flags `compile` bakes in (read from " +
  "`compileInvocations()`).",
  "Cleanup: every wphost report must show each plugin process exited after `Kill()` " +
  "without SIGKILL; afterwards each pid (and the inner pid under the RSS wrapper) is " +
  "checked in /proc and killed if it is still there (reported under Problems). Compiled " +
  "binaries and reports are deleted at the end.",
  "Ratios: value ÷ value of the named column (TS = the deno run column, or the compiled " +
  "one for the size rows); for throughput a ratio below 1 means TS is slower.",
];
