package callcenter

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"px360/app"
	"px360/app/notify"
	"px360/store"
)

// Appreciation limits.
const (
	MaxAppreciationMessage = 2000
	MaxSenderName          = 200
	// MaxThanksPerDay bounds the thank-yous one colleague sends one staff member in a
	// day, so badges cannot be farmed for a friend. Thank-you cards from patients that
	// staff record are not bounded.
	MaxThanksPerDay = 3
	leaderboardSize = 20
)

// AppreciationInput is a thank-you as its sender writes it. For a colleague the sender
// is the signed-in user; for a patient or family member, staff record it with the
// name they gave (none when anonymous). Draft keeps it unsent.
type AppreciationInput struct {
	RecipientStaffID int64
	SenderKind       app.SenderKind
	SenderName       string
	Anonymous        bool
	CategoryID       int64
	Message          string
	Visibility       app.Visibility
	Draft            bool
}

// viewer is by as a reader of appreciations.
func (s *Service) viewer(ctx context.Context, by app.Principal) app.AppreciationViewer {
	v := app.AppreciationViewer{UserID: by.UserID, Email: strings.ToLower(by.Email), Scope: by.Scope,
		AllDepartments: by.Can(app.PermAppreciationAdmin)}
	if by.UserID != "" {
		if u, err := s.st.UserByID(ctx, by.UserID); err == nil {
			v.DepartmentIDs = u.DepartmentIDs
		}
	}
	return v
}

// Categories are the active appreciation categories.
func (s *Service) Categories(ctx context.Context) ([]app.AppreciationCategory, error) {
	return s.st.AppreciationCategories(ctx, false)
}

// Recipients are the active staff of by's hospitals matching q (a name prefix or an
// employee number), for the send form.
func (s *Service) Recipients(ctx context.Context, by app.Principal, q string, limit int) ([]app.Staff, error) {
	if !by.Can(app.PermAppreciationSend) {
		return nil, app.ErrForbidden
	}
	p, err := s.st.ListStaff(ctx, app.ListQuery{Scope: by.Scope, Search: strings.TrimSpace(q), Limit: limit, NoCount: true}, 0)
	if err != nil {
		return nil, err
	}
	var out []app.Staff
	for _, x := range p.Items {
		if x.Active {
			out = append(out, x)
		}
	}
	return out, nil
}

// checkAppreciation validates in and builds the appreciation (not yet stored).
func (s *Service) checkAppreciation(ctx context.Context, by app.Principal, in AppreciationInput) (app.Appreciation, app.Staff, app.FieldErrors) {
	fe := app.FieldErrors{}
	a := app.Appreciation{SenderKind: in.SenderKind, Anonymous: in.Anonymous, CategoryID: in.CategoryID,
		Visibility: in.Visibility, SenderUserID: by.UserID}
	staff, err := s.st.StaffByID(ctx, by.Scope, in.RecipientStaffID)
	switch {
	case in.RecipientStaffID == 0:
		fe.Add("recipient", "err.required")
	case err != nil || !staff.Active:
		fe.Add("recipient", "err.appreciation_recipient")
	case staff.Email != "" && strings.EqualFold(staff.Email, by.Email):
		fe.Add("recipient", "err.appreciation_self")
	default:
		a.HospitalID, a.DepartmentID, a.RecipientStaffID = staff.HospitalID, staff.DepartmentID, staff.ID
	}
	if a.SenderKind == "" {
		a.SenderKind = app.SenderColleague
	}
	if !a.SenderKind.Valid() {
		fe.Add("sender_kind", "err.choose_option")
	}
	if a.Visibility == "" {
		a.Visibility = app.VisibilityHospital
	}
	if !a.Visibility.Valid() {
		fe.Add("visibility", "err.choose_option")
	}
	if a.CategoryID != 0 {
		cats, err := s.st.AppreciationCategories(ctx, false)
		found := false
		for _, c := range cats {
			found = found || c.ID == a.CategoryID
		}
		if err != nil || !found {
			fe.Add("category", "err.choose_option")
		}
	}
	a.Message = text(fe, "message", in.Message, MaxAppreciationMessage)
	if a.Message == "" {
		fe.Add("message", "err.required")
	}
	a.Language = app.TextLanguage(a.Message)
	name := text(fe, "sender_name", in.SenderName, MaxSenderName)
	switch {
	case a.Anonymous:
		a.SenderName = ""
	case a.SenderKind == app.SenderColleague:
		a.SenderName = by.Email
		if u, err := s.st.UserByID(ctx, by.UserID); err == nil && u.Name != "" {
			a.SenderName = u.Name
		}
	case name == "":
		fe.Add("sender_name", "err.appreciation_sender_name")
	default:
		a.SenderName = name
	}
	return a, staff, fe
}

// Send writes a thank-you: kept as a draft, or sent at once (see deliver).
func (s *Service) Send(ctx context.Context, by app.Principal, in AppreciationInput) (app.Appreciation, error) {
	if !by.Can(app.PermAppreciationSend) {
		return app.Appreciation{}, app.ErrForbidden
	}
	a, staff, fe := s.checkAppreciation(ctx, by, in)
	if err := fe.Err(); err != nil {
		return app.Appreciation{}, err
	}
	a.Status = app.AppreciationDraft
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		if a.SenderKind == app.SenderColleague && by.UserID != "" {
			n, err := tx.SentToSince(ctx, by.UserID, staff.ID, tx.Now().Add(-24*time.Hour))
			if err != nil {
				return err
			}
			if n >= MaxThanksPerDay {
				return app.FieldErrors{"recipient": "err.appreciation_too_many"}.Err()
			}
		}
		if err := tx.InsertAppreciation(ctx, &a); err != nil {
			return err
		}
		action, summary := "appreciation.create", map[string]any{"recipient": staff.ID, "visibility": a.Visibility}
		if !in.Draft {
			badges, err := s.deliver(ctx, tx, &a, staff)
			if err != nil {
				return err
			}
			action, summary["badges"] = "appreciation.send", badges
		}
		return tx.Audit(ctx, app.Audit{Action: action, Entity: "appreciation", EntityID: fmt.Sprint(a.ID),
			HospitalID: a.HospitalID, Summary: summary})
	})
	return a, err
}

// SendDraft sends one of by's drafts.
func (s *Service) SendDraft(ctx context.Context, by app.Principal, id int64) (app.Appreciation, error) {
	if !by.Can(app.PermAppreciationSend) {
		return app.Appreciation{}, app.ErrForbidden
	}
	var a app.Appreciation
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		var err error
		if a, err = tx.AppreciationByID(ctx, by.Scope, id); err != nil {
			return err
		}
		if by.UserID == "" || a.SenderUserID != by.UserID {
			return app.ErrNotFound // another's draft does not exist for by
		}
		if a.Status != app.AppreciationDraft {
			return &app.Error{Code: app.EConflict, Message: "err.appreciation_not_draft"}
		}
		staff, err := s.st.StaffByID(ctx, app.System.Scope, a.RecipientStaffID)
		if err != nil {
			return err
		}
		badges, err := s.deliver(ctx, tx, &a, staff)
		if err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "appreciation.send", Entity: "appreciation", EntityID: fmt.Sprint(a.ID),
			HospitalID: a.HospitalID, Summary: map[string]any{"recipient": staff.ID, "badges": badges}})
	})
	return a, err
}

// deliver sends a stored appreciation inside tx: status sent at the transaction's time,
// the recipient's user account (by the staff record's e-mail), badges (5, 10 and 25
// received; the first of a calendar month in the hospital's time zone), the
// recipient's notification and the AI analysis request. It returns the new badges.
func (s *Service) deliver(ctx context.Context, tx *store.Tx, a *app.Appreciation, staff app.Staff) ([]app.BadgeCode, error) {
	a.Status, a.SentAt = app.AppreciationSent, tx.Now()
	var user *app.User
	if staff.Email != "" {
		if u, _, err := s.st.UserByEmail(ctx, staff.Email); err == nil && u.Active {
			user = u
			a.RecipientUserID = u.ID
		}
	}
	if err := tx.UpdateAppreciationStatus(ctx, a); err != nil {
		return nil, err
	}
	var awarded []app.BadgeCode
	award := func(code app.BadgeCode, period string) error {
		ok, err := tx.AwardBadge(ctx, &app.Badge{HospitalID: a.HospitalID, StaffID: staff.ID, Code: code, Period: period, AppreciationID: a.ID})
		if ok {
			awarded = append(awarded, code)
		}
		return err
	}
	n, err := tx.ReceivedCount(ctx, staff.ID)
	if err != nil {
		return nil, err
	}
	for _, b := range app.CountBadges {
		if n >= b.Count {
			if err := award(b.Code, ""); err != nil {
				return nil, err
			}
		}
	}
	loc := s.zone(ctx, a.HospitalID)
	if err := award(app.BadgeFirstOfMonth, app.MonthOf(a.SentAt, loc)); err != nil {
		return nil, err
	}
	if err := s.notifyRecipient(ctx, tx, *a, staff, user); err != nil {
		return nil, err
	}
	return awarded, emitAnalysis(ctx, tx, "appreciation", a.ID, a.HospitalID)
}

// zone is hospital's time zone (Riyadh when unknown).
func (s *Service) zone(ctx context.Context, hospitalID int64) *time.Location {
	return s.st.HospitalZone(ctx, hospitalID)
}

func (s *Service) tr(lang, key string) string {
	if s.notify == nil || s.notify.Translate == nil {
		return key
	}
	return s.notify.Translate(lang, key)
}

// notifyRecipient queues "you were thanked" to the recipient: in-app and e-mail to their
// user account, or e-mail to the staff record's address when they have no account.
func (s *Service) notifyRecipient(ctx context.Context, tx *store.Tx, a app.Appreciation, staff app.Staff, user *app.User) error {
	if s.notify == nil {
		return nil
	}
	var to notify.Recipient
	switch {
	case user != nil:
		to = notify.Recipient{UserID: user.ID, Email: user.Email, Name: user.Name, Language: user.Language}
	case staff.Email != "":
		to = notify.Recipient{Email: staff.Email, Name: app.Name("en", staff.NameEN, staff.NameAR), Language: "en"}
	default:
		return nil
	}
	var cat app.AppreciationCategory
	if cats, err := s.st.AppreciationCategories(ctx, true); err == nil {
		for _, c := range cats {
			if c.ID == a.CategoryID {
				cat = c
			}
		}
	}
	base := s.notify.PublicURL(ctx)
	message := a.Message
	if utf8.RuneCountInString(message) > 300 {
		message = string([]rune(message)[:300]) + "…"
	}
	_, err := s.notify.EnqueueTx(ctx, tx, notify.Request{Key: app.NotifyAppreciationReceived, HospitalID: a.HospitalID,
		Staff: []notify.Recipient{to}, Link: fmt.Sprintf("/appreciation/%d", a.ID), Ref: fmt.Sprintf("appreciation:%d", a.ID),
		Vars: func(lang string) map[string]string {
			sender := s.tr(lang, "appreciation.sender_anonymous")
			if !a.Anonymous {
				sender = a.SenderName + " (" + s.tr(lang, "appreciation.kind."+string(a.SenderKind)) + ")"
			}
			category := app.Name(lang, cat.NameEN, cat.NameAR)
			if category == "" {
				category = "—"
			}
			return map[string]string{"thanked_by": sender, "appreciation_category": category, "appreciation_message": message,
				"appreciation_link": fmt.Sprintf("%s/appreciation/%d", base, a.ID)}
		}})
	return err
}

// Appreciation returns one appreciation if by may read it (else not found), with its
// recipient.
func (s *Service) Appreciation(ctx context.Context, by app.Principal, id int64) (app.Appreciation, app.Staff, error) {
	if !by.Can(app.PermAppreciationSend) {
		return app.Appreciation{}, app.Staff{}, app.ErrForbidden
	}
	a, err := s.st.AppreciationByID(ctx, by.Scope, id)
	if err != nil {
		return a, app.Staff{}, err
	}
	staff, err := s.st.StaffByID(ctx, app.System.Scope, a.RecipientStaffID)
	if err != nil {
		return app.Appreciation{}, app.Staff{}, err
	}
	if !a.VisibleTo(s.viewer(ctx, by), staff.Email) {
		return app.Appreciation{}, app.Staff{}, app.ErrNotFound
	}
	return a, staff, nil
}

// IsRecipient reports whether by is the recipient of a (who may acknowledge it).
func IsRecipient(by app.Principal, a app.Appreciation, staff app.Staff) bool {
	return (by.UserID != "" && a.RecipientUserID == by.UserID) || (staff.Email != "" && strings.EqualFold(staff.Email, by.Email))
}

// IsSender reports whether by wrote a (and may send it while it is a draft).
func IsSender(by app.Principal, a app.Appreciation) bool {
	return by.UserID != "" && a.SenderUserID == by.UserID
}

// Acknowledge records that the recipient read a sent appreciation. Only the recipient
// may; acknowledging twice changes nothing more.
func (s *Service) Acknowledge(ctx context.Context, by app.Principal, id int64) (app.Appreciation, error) {
	a, staff, err := s.Appreciation(ctx, by, id)
	if err != nil {
		return a, err
	}
	if !IsRecipient(by, a, staff) {
		return a, app.ErrForbidden
	}
	err = s.st.InTx(ctx, by, func(tx *store.Tx) error {
		if a, err = tx.AppreciationByID(ctx, by.Scope, id); err != nil {
			return err
		}
		if a.Status != app.AppreciationSent {
			return &app.Error{Code: app.EConflict, Message: "err.appreciation_not_sent"}
		}
		a.Status, a.AcknowledgedAt = app.AppreciationAcknowledged, tx.Now()
		if a.RecipientUserID == "" {
			a.RecipientUserID = by.UserID
		}
		if err := tx.UpdateAppreciationStatus(ctx, &a); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "appreciation.acknowledge", Entity: "appreciation", EntityID: fmt.Sprint(a.ID),
			HospitalID: a.HospitalID})
	})
	return a, err
}

// Feed lists the appreciations by may read, newest first: box "received" (to by),
// "sent" (by by, drafts too) or "" (everything by may read).
func (s *Service) Feed(ctx context.Context, by app.Principal, box string, q app.ListQuery) (app.Page[app.Appreciation], error) {
	if !by.Can(app.PermAppreciationSend) {
		return app.Page[app.Appreciation]{}, app.ErrForbidden
	}
	if box != "received" && box != "sent" {
		box = ""
	}
	return s.st.ListAppreciations(ctx, store.AppreciationFilter{ListQuery: q, Viewer: s.viewer(ctx, by), Box: box})
}

// Badges returns the badges of staff members, keyed by staff id.
func (s *Service) Badges(ctx context.Context, staffIDs []int64) (map[int64][]app.Badge, error) {
	return s.st.BadgesOf(ctx, staffIDs)
}

// Leaderboard is a month's ranking of a hospital's staff by appreciations received.
type Leaderboard struct {
	Hospital     app.Hospital
	DepartmentID int64
	Month        string // "2026-03", in the hospital's time zone
	Rows         []app.LeaderboardRow
	Badges       map[int64][]app.Badge
}

// Leaderboard ranks the staff of a hospital (of one department when departmentID is
// set) by the appreciations they received in month ("2026-03"; "" for the current one),
// the month read in the hospital's time zone.
func (s *Service) Leaderboard(ctx context.Context, by app.Principal, hospitalID, departmentID int64, month string) (Leaderboard, error) {
	lb := Leaderboard{DepartmentID: departmentID}
	if !by.Can(app.PermAppreciationSend) {
		return lb, app.ErrForbidden
	}
	h, err := s.st.HospitalByID(ctx, by.Scope, hospitalID)
	if err != nil {
		return lb, err
	}
	lb.Hospital = h
	fe := app.FieldErrors{}
	if departmentID != 0 {
		if d, err := s.st.DepartmentByID(ctx, by.Scope, departmentID); err != nil || d.HospitalID != hospitalID {
			fe.Add("department", "err.department_not_in_hospital")
		}
	}
	loc := s.zone(ctx, hospitalID)
	if month == "" {
		month = app.MonthOf(s.st.Now(), loc)
	}
	from, to, ok := app.MonthRange(month, loc)
	if !ok {
		fe.Add("month", "err.appreciation_month")
	}
	if err := fe.Err(); err != nil {
		return lb, err
	}
	lb.Month = month
	if lb.Rows, err = s.st.Leaderboard(ctx, hospitalID, departmentID, from, to, leaderboardSize); err != nil {
		return lb, err
	}
	ids := make([]int64, len(lb.Rows))
	for i, r := range lb.Rows {
		ids[i] = r.StaffID
	}
	lb.Badges, err = s.st.BadgesOf(ctx, ids)
	return lb, err
}

// Wall is a hospital's public thank-you wall: its active hospital by code and a page of
// its public appreciations. Anyone may read it, so it names staff and colleagues who
// signed, but never an anonymous sender, nor a patient or family member: that someone
// was a patient here is health information.
func (s *Service) Wall(ctx context.Context, code string, after int64) (app.Hospital, app.Page[app.Appreciation], map[int64]app.Staff, error) {
	h, err := s.st.HospitalByCode(ctx, app.System.Scope, strings.ToUpper(strings.TrimSpace(code)))
	if err != nil || !h.Active {
		return h, app.Page[app.Appreciation]{}, nil, app.ErrNotFound
	}
	p, err := s.st.PublicAppreciations(ctx, h.ID, after, 30)
	if err != nil {
		return h, p, nil, err
	}
	ids := make([]int64, len(p.Items))
	for i, a := range p.Items {
		ids[i] = a.RecipientStaffID
		if a.Anonymous || a.SenderKind != app.SenderColleague {
			p.Items[i].SenderName = ""
		}
		p.Items[i].SenderUserID = "" // never leaves the service for the public page
	}
	staff, err := s.st.StaffByIDs(ctx, app.Scope{HospitalIDs: []int64{h.ID}}, ids)
	return h, p, staff, err
}
