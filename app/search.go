package app

// SearchDoc is what the search index holds about one record: enough to find it and
// to limit hits to the reader's hospitals. The record itself stays in the database.
type SearchDoc struct {
	Kind       string // "staff", "patient"
	ID         int64
	HospitalID int64
	NameEN     string
	NameAR     string
	Code       string // employee number or MRN
}

// SearchHit is one search result.
type SearchHit struct {
	Kind       string
	ID         int64
	HospitalID int64
	Score      float64
}
