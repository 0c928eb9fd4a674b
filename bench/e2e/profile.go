package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The product has no profiling switch, and the benchmark does not change
// its code: with -profile, the binary is built with go build -overlay,
// which adds profileSource to package main and makes main exit through it.
// The checked-out files are not touched.

// profileEnv names the environment variables the profiling build reads.
const (
	profileCPUEnv  = "PARLEY_E2E_CPUPROFILE"
	profileHeapEnv = "PARLEY_E2E_HEAPPROFILE"
)

const profileSource = `package main

// Added by bench/e2e -profile through go build -overlay; not in the product.

import (
	"os"
	"runtime"
	"runtime/pprof"
)

var e2eCPU *os.File

func init() {
	if path := os.Getenv("` + profileCPUEnv + `"); path != "" {
		if f, err := os.Create(path); err == nil && pprof.StartCPUProfile(f) == nil {
			e2eCPU = f
		}
	}
}

// e2eExit writes the profiles, then exits.
func e2eExit(code int) {
	if e2eCPU != nil {
		pprof.StopCPUProfile()
		e2eCPU.Close()
	}
	if path := os.Getenv("` + profileHeapEnv + `"); path != "" {
		if f, err := os.Create(path); err == nil {
			runtime.GC()
			pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		}
	}
	os.Exit(code)
}
`

// mainExit is the call in the product's main.go that the overlay routes
// through e2eExit: main's only exit, whatever it passes.
const mainExit = "os.Exit("

// profileOverlay writes, in dir, the files of an overlay that adds
// profiling to the product at root, and returns the overlay's JSON file.
func profileOverlay(root, dir string) (string, error) {
	mainGo := filepath.Join(root, "main.go")
	src, err := os.ReadFile(mainGo)
	if err != nil {
		return "", err
	}
	if n := strings.Count(string(src), mainExit); n != 1 {
		return "", fmt.Errorf("-profile: %s has %d calls %q, want one to route through the profiler", mainGo, n, mainExit)
	}
	patched := strings.Replace(string(src), mainExit, "e2eExit(", 1)
	files := map[string]string{
		mainGo:                                   patched,
		filepath.Join(root, "zz_e2e_profile.go"): profileSource,
	}
	replace := map[string]string{}
	for target, content := range files {
		path := filepath.Join(dir, "overlay-"+filepath.Base(target))
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			return "", err
		}
		replace[target] = path
	}
	data, err := json.Marshal(map[string]any{"Replace": replace})
	if err != nil {
		return "", err
	}
	overlay := filepath.Join(dir, "overlay.json")
	return overlay, os.WriteFile(overlay, data, 0o600)
}

// profileEnvFor is the environment that makes the profiling build of a
// run write its profiles into dir, named after the run.
func profileEnvFor(dir, label string) []string {
	return []string{
		profileCPUEnv + "=" + filepath.Join(dir, label+".cpu.pprof"),
		profileHeapEnv + "=" + filepath.Join(dir, label+".allocs.pprof"),
	}
}
