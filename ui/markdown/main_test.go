package markdown

import (
	"testing"

	"github.com/parley-chat/parley/internal/chromaclock"
)

func TestMain(m *testing.M) { chromaclock.Main(m) }
