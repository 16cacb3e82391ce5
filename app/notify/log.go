package notify

import (
	"context"
	"fmt"

	"px360/app"
	"px360/store"
)

// List pages through the delivery log of the user's hospitals.
func (s *Service) List(ctx context.Context, by app.Principal, q app.ListQuery, f store.MessageFilter) (app.Page[app.Message], error) {
	if !by.Can(app.PermNotifyManage) {
		return app.Page[app.Message]{}, app.ErrForbidden
	}
	q.Scope = by.Scope
	return s.st.ListMessages(ctx, q, f)
}

// Message returns one logged message with its attempts.
func (s *Service) Message(ctx context.Context, by app.Principal, id int64) (app.Message, []app.MessageAttempt, error) {
	if !by.Can(app.PermNotifyManage) {
		return app.Message{}, nil, app.ErrForbidden
	}
	return s.st.MessageByID(ctx, by.Scope, id)
}

// Resend queues a copy of a message; the original stays in the log as it was.
// Suppressed messages (opted out) are not resent.
func (s *Service) Resend(ctx context.Context, by app.Principal, id int64) (app.Message, error) {
	if !by.Can(app.PermNotifyManage) {
		return app.Message{}, app.ErrForbidden
	}
	var c app.Message
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		orig, _, err := s.st.MessageByID(ctx, by.Scope, id)
		if err != nil {
			return err
		}
		if orig.Status == app.MessageSuppressed || orig.Body == "-" {
			return &app.Error{Code: app.EConflict, Message: "err.resend_not_possible"}
		}
		if c, err = tx.ResendMessage(ctx, by.Scope, id); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "notify.resend", Entity: "notify_message", EntityID: fmt.Sprint(c.ID),
			HospitalID: c.HospitalID, Summary: map[string]any{"from": id, "channel": c.Channel}})
	})
	return c, err
}

// Unread counts the user's unread in-app notifications, up to 100.
func (s *Service) Unread(ctx context.Context, userID string) (int, error) {
	return s.st.UnreadCount(ctx, userID, 100)
}

// Inbox pages through the user's in-app notifications.
func (s *Service) Inbox(ctx context.Context, by app.Principal, q app.ListQuery, unreadOnly bool) (app.Page[app.InboxItem], error) {
	if by.UserID == "" {
		return app.Page[app.InboxItem]{}, app.ErrForbidden
	}
	return s.st.ListInbox(ctx, by.UserID, q, unreadOnly)
}

// MarkRead marks one of the user's notifications read (id 0: all).
func (s *Service) MarkRead(ctx context.Context, by app.Principal, id int64) error {
	if by.UserID == "" {
		return app.ErrForbidden
	}
	return s.st.InTx(ctx, by, func(tx *store.Tx) error {
		_, err := tx.MarkRead(ctx, by.UserID, id)
		return err
	})
}
