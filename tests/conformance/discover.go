package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// discoverPlugin finds waypoint-plugin-<name> the way Waypoint 0.11.4's
// plugin discovery does (internal/plugin/discover.go): the project folder
// (the working directory), <project>/.waypoint/plugins, the user config
// folder's waypoint/plugins ($XDG_CONFIG_HOME when absolute, else the OS
// default), then ~/.config/waypoint/plugins. The first match wins. Like
// Waypoint on Windows, the name is probed without ".exe".
func discoverPlugin(name string) (string, []string, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return "", nil, err
	}
	home, _ := os.UserHomeDir()
	if h := os.Getenv("HOME"); h != "" {
		home = h // go-homedir, which Waypoint uses, prefers $HOME everywhere
	}
	dirs := []string{cwd, filepath.Join(cwd, ".waypoint", "plugins")}
	config := os.Getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(config) {
		switch runtime.GOOS {
		case "darwin":
			config = filepath.Join(home, "Library", "Preferences")
		case "windows":
			config = os.Getenv("LOCALAPPDATA")
		default:
			config = filepath.Join(home, ".config")
		}
	}
	dirs = append(dirs, filepath.Join(config, "waypoint", "plugins"), filepath.Join(home, ".config", "waypoint", "plugins"))
	file := "waypoint-plugin-" + name
	for _, d := range dirs {
		p := filepath.Join(d, file)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, dirs, nil
		}
	}
	return "", dirs, fmt.Errorf("plugin %q not found in: %s", name, strings.Join(dirs, ", "))
}
