package appliance

import (
	"context"

	"px360/app"
	"px360/app/taxonomy"
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
