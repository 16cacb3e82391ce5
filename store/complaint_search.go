package store

import (
	"context"

	"px360/app"
)

// ComplaintsByIDs returns the complaints with the given ids that are in scope, keyed by
// id: one query for a page of search hits (ids the index still holds but the database no
// longer does, or that are out of scope, are simply absent).
func (s *Store) ComplaintsByIDs(ctx context.Context, scope app.Scope, ids []int64) (map[int64]app.Complaint, error) {
	return byIDs(ctx, s, "complaints", complaintCols, scope, ids, scanComplaint, func(c app.Complaint) int64 { return c.ID })
}
