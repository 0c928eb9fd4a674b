package attach

import (
	"fmt"
	"strconv"
	"strings"
)

// Size writes n bytes the way a person reads them: 900 B, 12 KiB, 1.5 MiB.
func Size(n int64) string {
	units := []string{"B", "KiB", "MiB", "GiB"}
	f, i := float64(n), 0
	for f >= 1024 && i < len(units)-1 {
		f, i = f/1024, i+1
	}
	if i == 0 {
		return strconv.FormatInt(n, 10) + " B"
	}
	return strings.TrimSuffix(strconv.FormatFloat(f, 'f', 1, 64), ".0") + " " + units[i]
}

// sizeUnits are the suffixes ParseSize knows, lower-cased.
var sizeUnits = map[string]float64{
	"": 1, "b": 1,
	"k": 1 << 10, "kib": 1 << 10, "kb": 1e3,
	"m": 1 << 20, "mib": 1 << 20, "mb": 1e6,
	"g": 1 << 30, "gib": 1 << 30, "gb": 1e9,
}

// ParseSize reads a size such as "512KiB", "1.5 MiB", "2MB" or "4096"
// (bytes). KiB and MiB are powers of 1024, KB and MB of 1000; K and M alone
// are taken as KiB and MiB.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i < 0 {
		i = len(t)
	}
	num, unit := t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	v, err := strconv.ParseFloat(num, 64)
	mult, ok := sizeUnits[unit]
	if err != nil || !ok || v <= 0 || v*mult > 1<<50 {
		return 0, fmt.Errorf("%q is not a size such as 512KiB or 4MiB", s)
	}
	return int64(v * mult), nil
}
