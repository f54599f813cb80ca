// Cache: compiled patterns by source text, like CppNix's RegexCache.

package regex

import (
	"strings"
	"sync"
)

// Cache maps patterns to their compiled form (or compile error). Like CppNix's
// RegexCache it never evicts: evaluations use a bounded set of literal patterns. The
// zero value is ready to use and it is safe for concurrent use.
type Cache struct {
	mu sync.RWMutex
	m  map[string]cacheEntry
}

type cacheEntry struct {
	re  *Regexp
	err error
}

// Compile returns the cached result of Compile(pattern), compiling on first use.
func (c *Cache) Compile(pattern string) (*Regexp, error) {
	c.mu.RLock()
	e, ok := c.m[pattern]
	c.mu.RUnlock()
	if ok {
		return e.re, e.err
	}
	re, err := Compile(pattern)
	c.mu.Lock()
	if c.m == nil {
		c.m = make(map[string]cacheEntry)
	}
	if prev, ok := c.m[pattern]; ok {
		c.mu.Unlock()
		return prev.re, prev.err
	}
	c.m[strings.Clone(pattern)] = cacheEntry{re, err} // the key may be a slice of a large string
	c.mu.Unlock()
	return re, err
}

// Len returns the number of cached patterns.
func (c *Cache) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}
