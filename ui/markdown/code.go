package markdown

// codeCache is filled in by the next step.
type codeCache struct{}

func (c *codeCache) render(r *Renderer, src string) (string, bool) { return "", false }
