package app

// PageSize is the default number of rows on a list page.
const PageSize = 50

// CountCap is where list counts stop: past it, lists show "10,000+".
const CountCap = 10000

// ListQuery is a keyset-paginated list request: rows with id below After (or above
// Before, for the previous page), newest first.
type ListQuery struct {
	Scope      Scope
	HospitalID int64  // optional filter
	Search     string // optional: name prefix, MRN, code or email
	After      int64  // next page: ids < After
	Before     int64  // previous page: ids > Before
	Limit      int
	NoCount    bool // skip the capped count (exports page through everything)
}

// Page is one page of a keyset list.
type Page[T any] struct {
	Items  []T
	Next   int64 // cursor for the next page, 0 when none
	Prev   int64 // cursor for the previous page, 0 when none
	Count  int   // rows matching, capped at CountCap+1
	Capped bool  // Count stopped at the cap
}
