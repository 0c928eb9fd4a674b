package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// productModule is the module path of the product; its go.mod marks the
// directory to build.
const productModule = "module github.com/parley-chat/parley\n"

// build builds the product from the module above the working directory
// into dir, and returns the binary's path. With profile set, the build
// writes CPU and allocation profiles (see profileOverlay).
func build(dir, profile string) (string, error) {
	root, err := productRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "parley")
	args := []string{"build", "-o", bin}
	if profile != "" {
		overlay, err := profileOverlay(root, dir)
		if err != nil {
			return "", err
		}
		args = append(args, "-overlay", overlay)
	}
	start := time.Now()
	cmd := exec.Command("go", append(args, ".")...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build in %s: %v\n%s", root, err, out)
	}
	fmt.Printf("built %s (%s) in %.1f s\n", root, commit(root), time.Since(start).Seconds())
	return bin, nil
}

// productRoot finds the product's module: the nearest directory at or
// above the working directory whose go.mod declares it.
func productRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.HasPrefix(data, []byte(productModule)) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no github.com/parley-chat/parley module at or above the working directory; give -bin")
		}
		dir = parent
	}
}

// commit names the checked-out commit, with "+changes" when the work tree
// differs from it.
func commit(root string) string {
	out, err := exec.Command("git", "-C", root, "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "no git"
	}
	c := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "-C", root, "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(st) > 0 {
		c += "+changes"
	}
	return c
}

// printMachine says what the figures were taken on and with what.
func printMachine(cfg *config) {
	goVersion, _ := exec.Command("go", "env", "GOVERSION").Output()
	curl := "none"
	if out, err := exec.Command("curl", "--version").Output(); err == nil {
		curl, _, _ = strings.Cut(string(out), "\n")
		curl = strings.Join(strings.Fields(curl)[:min(2, len(strings.Fields(curl)))], " ")
	}
	fmt.Printf("machine: %d cores, %s; %s/%s; %s; %s; load average %s\n", runtime.NumCPU(), cpuModel(),
		runtime.GOOS, runtime.GOARCH, strings.TrimSpace(string(goVersion)), curl, loadAverage())
	rate := "as fast as it can"
	if cfg.rate > 0 {
		rate = fmt.Sprintf("%g tokens/s", cfg.rate)
	}
	fmt.Printf("server: 127.0.0.1, %s; terminal %dx%d; %d runs (medians)", rate, cfg.cols, cfg.rows, cfg.runs)
	if cfg.warm {
		fmt.Print(" after a warm-up run")
	}
	fmt.Print("\n\n")
}

// cpuModel is the first "model name" of /proc/cpuinfo.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

// loadAverage is the one-minute load average: other work on the machine
// shows in the figures.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	if f := strings.Fields(string(data)); len(f) > 0 {
		return f[0]
	}
	return "unknown"
}
