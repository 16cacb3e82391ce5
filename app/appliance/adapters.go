package appliance

import (
	"context"
	"time"

	"px360/app"
	"px360/app/taxonomy"
	"px360/search"
)

// taxonomyRules adapts the taxonomy service to what the complaint service asks.
type taxonomyRules struct{ tax *taxonomy.Service }

func (t taxonomyRules) SourceUsable(ctx context.Context, code string, typ app.ComplaintType) bool {
	_, err := t.tax.ValidSourceFor(ctx, code, typ)
	return err == nil
}

func (t taxonomyRules) CategoryUsable(ctx context.Context, hospitalID, categoryID int64) bool {
	return t.tax.ValidCategoryFor(ctx, hospitalID, categoryID) == nil
}

// complaintText is the duplicate finder's similar-text search over the complaint index.
type complaintText struct{ x *search.ComplaintIndex }

func (t complaintText) Similar(ctx context.Context, scope app.Scope, hospitalID int64, text string, from, to time.Time, limit int) ([]int64, error) {
	hits, err := t.x.Search(ctx, search.ComplaintQuery{Scope: scope, HospitalID: hospitalID, Text: text, From: from, To: to, Limit: limit})
	return hits.IDs, err
}
