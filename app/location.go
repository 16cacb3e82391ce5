package app

import (
	"sync"
	"time"
)

// locations memoises time.LoadLocation, which reads and parses the zone database on every
// call: pages show dozens of times in a hospital's zone. Zones never change while the
// process runs, so this cache is the one piece of package state we allow.
var locations sync.Map // name → *time.Location

// Location returns the IANA time zone name, loading it once.
func Location(name string) (*time.Location, error) {
	if l, ok := locations.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	locations.Store(name, l)
	return l, nil
}

// Riyadh is the default hospital time zone (UTC+3 all year; no daylight saving).
func Riyadh() *time.Location {
	if l, err := Location("Asia/Riyadh"); err == nil {
		return l
	}
	return time.FixedZone("AST", 3*3600)
}
