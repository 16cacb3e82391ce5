package notify

import (
	"context"

	"px360/app"
	"px360/store"
)

// OpenInbox marks one of the user's in-app notifications read and returns it, so the
// bell can lead to what it was about. Another user's notification is not found.
func (s *Service) OpenInbox(ctx context.Context, by app.Principal, id int64) (app.InboxItem, error) {
	if by.UserID == "" {
		return app.InboxItem{}, app.ErrForbidden
	}
	if id <= 0 {
		return app.InboxItem{}, app.ErrNotFound
	}
	// The user's newest item with an id up to id: the item itself, when it is theirs.
	p, err := s.st.ListInbox(ctx, by.UserID, app.ListQuery{After: id + 1, Limit: 1}, false)
	if err != nil {
		return app.InboxItem{}, err
	}
	if len(p.Items) == 0 || p.Items[0].ID != id {
		return app.InboxItem{}, app.ErrNotFound
	}
	it := p.Items[0]
	if !it.ReadAt.IsZero() {
		return it, nil
	}
	err = s.st.InTx(ctx, by, func(tx *store.Tx) error {
		_, err := tx.MarkRead(ctx, by.UserID, id)
		return err
	})
	return it, err
}
