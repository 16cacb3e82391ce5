package surveys

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"px360/app"
	"px360/store"
)

// PatientContact is who to invite, as typed by staff or read from a file: a registered
// patient by MRN, or a name with a phone number or e-mail address.
type PatientContact struct {
	MRN   string
	Name  string
	Phone string
	Email string
	Lang  string // "ar", "en", or "" for the patient's own
}

// MaxContactName bounds a typed name.
const MaxContactName = 200

// checkContact resolves the MRN in the hospital and checks the contact, adding errors
// keyed "mrn", "name", "phone", "email" and "language" to fe.
func (s *Service) checkContact(ctx context.Context, hospitalID int64, c PatientContact, fe app.FieldErrors) Invitation {
	in := Invitation{HospitalID: hospitalID}
	in.Name = app.OptionalText(fe, "name", c.Name, MaxContactName)
	if mrn := strings.TrimSpace(c.MRN); mrn != "" && hospitalID != 0 {
		p, err := s.st.PatientByMRN(ctx, hospitalID, mrn)
		switch {
		case errors.Is(err, app.ErrNotFound):
			fe.Add("mrn", "err.survey_unknown_mrn")
		case err != nil:
			fe.Add("mrn", "err.internal")
		default:
			in.PatientID = p.ID
		}
	}
	if phone := strings.TrimSpace(c.Phone); phone != "" {
		if n, err := app.E164(phone); err != nil {
			fe.Add("phone", "err.phone_invalid")
		} else {
			in.Phone = n
		}
	}
	if email := strings.ToLower(strings.TrimSpace(c.Email)); email != "" {
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 254 {
			fe.Add("email", "err.email_invalid")
		} else {
			in.Email = email
		}
	}
	switch strings.ToLower(strings.TrimSpace(c.Lang)) {
	case "":
	case "ar", "arabic", "العربية", "عربي":
		in.Lang = "ar"
	case "en", "english", "الإنجليزية", "انجليزي":
		in.Lang = "en"
	default:
		fe.Add("language", "err.choose_option")
	}
	if strings.TrimSpace(c.MRN) == "" && in.Phone == "" && in.Email == "" && fe["phone"] == "" && fe["email"] == "" {
		fe.Add("mrn", "err.survey_contact_required")
	}
	return in
}

// checkTemplateFor checks that template id can invite patients of hospital: visible to
// by, group-wide or the hospital's own, not a ward survey, with an active version.
func (s *Service) checkTemplateFor(ctx context.Context, by app.Principal, id, hospitalID int64) (app.SurveyTemplate, string) {
	t, err := s.st.SurveyTemplateByID(ctx, by.Scope, id)
	if err != nil {
		return t, "err.choose_option"
	}
	if t.HospitalID != 0 && t.HospitalID != hospitalID {
		return t, "err.survey_template_hospital"
	}
	if t.Kind == app.SurveyWard {
		return t, "err.survey_ward_only"
	}
	if t.Status != app.TemplateActive {
		versions, err := s.st.SurveyVersions(ctx, t.Family)
		if err != nil || !slices.ContainsFunc(versions, func(v app.SurveyTemplate) bool { return v.Status == app.TemplateActive }) {
			return t, "err.survey_not_active"
		}
	}
	return t, ""
}

// checkChannel reads an invitation channel: "" is the hospital's order.
func checkChannel(ch app.Channel) bool {
	return ch == "" || slices.Contains(app.OutboundChannels, ch)
}

// ManualInvitation is the "invite a patient" form.
type ManualInvitation struct {
	TemplateID   int64
	HospitalID   int64
	DepartmentID int64
	PatientContact
	Channel app.Channel // "" = the hospital's channel order
}

// prepare checks the form; errors are keyed by its field names.
func (s *Service) prepare(ctx context.Context, by app.Principal, m ManualInvitation) (Invitation, error) {
	fe := app.FieldErrors{}
	if m.HospitalID == 0 {
		fe.Add("hospital_id", "err.required")
	} else if !by.Scope.Allows(m.HospitalID) {
		fe.Add("hospital_id", "err.hospital_not_allowed")
	}
	if m.TemplateID == 0 {
		fe.Add("template_id", "err.required")
	} else if m.HospitalID != 0 {
		if _, msg := s.checkTemplateFor(ctx, by, m.TemplateID, m.HospitalID); msg != "" {
			fe.Add("template_id", msg)
		}
	}
	if m.DepartmentID != 0 {
		if d, err := s.st.DepartmentByID(ctx, by.Scope, m.DepartmentID); err != nil || d.HospitalID != m.HospitalID {
			fe.Add("department_id", "err.department_not_in_hospital")
		}
	}
	if !checkChannel(m.Channel) {
		fe.Add("channel", "err.choose_option")
	}
	in := s.checkContact(ctx, m.HospitalID, m.PatientContact, fe)
	in.TemplateID, in.DepartmentID, in.Channel, in.Source = m.TemplateID, m.DepartmentID, m.Channel, app.SourceManual
	return in, fe.Err()
}

// InviteByHand checks the "invite a patient" form and invites the patient (see Invite).
// Field errors are keyed by the form's fields; a patient the hospital's rules leave out
// gives a *Skip (ExplainSkip says more).
func (s *Service) InviteByHand(ctx context.Context, by app.Principal, m ManualInvitation) (app.SurveyInstance, error) {
	if !by.Can(app.PermSurveySend) {
		return app.SurveyInstance{}, app.ErrForbidden
	}
	in, err := s.prepare(ctx, by, m)
	if err != nil {
		return app.SurveyInstance{}, err
	}
	return s.Invite(ctx, by, in)
}

// SkipInfo explains why a patient was not invited, with what the reason needs.
type SkipInfo struct {
	Reason      string
	LastInvited time.Time // fatigue: when the patient was last invited
	FatigueDays int       // fatigue: the hospital's window
	MinAge      int       // minor: the hospital's minimum age
}

// ExplainSkip returns the details of a skipped manual invitation.
func (s *Service) ExplainSkip(ctx context.Context, by app.Principal, m ManualInvitation, skip *Skip) SkipInfo {
	info := SkipInfo{Reason: skip.Reason}
	settings, err := s.st.SurveySettings(ctx, m.HospitalID)
	if err != nil || !by.Scope.Allows(m.HospitalID) {
		return info
	}
	info.FatigueDays, info.MinAge = settings.FatigueDays, settings.MinAge
	if skip.Reason == SkipFatigue {
		in := s.checkContact(ctx, m.HospitalID, m.PatientContact, app.FieldErrors{})
		key := ""
		switch {
		case in.PatientID != 0:
			key = fmt.Sprintf("p:%d", in.PatientID)
		case in.Phone != "":
			key = in.Phone
		default:
			key = in.Email
		}
		if key != "" {
			info.LastInvited, _ = s.st.LastInvitation(ctx, key)
		}
	}
	return info
}

// Bulk file limits.
const (
	MaxBulkRows = 10_000
	bulkBatch   = 500
)

// BulkColumns are the columns a bulk file may have, in any order; others are ignored.
// At least one of mrn, phone and email is needed.
var BulkColumns = []string{"mrn", "name", "phone", "email", "language", "department"}

// Outcomes of a bulk row.
const (
	BulkInvited = "invited"
	BulkSkipped = "skipped"
	BulkError   = "error"
)

// BulkRow is the outcome of one row of a bulk file.
type BulkRow struct {
	Line       int    // the row's line in the file (the header is line 1)
	Status     string // BulkInvited, BulkSkipped or BulkError
	Reason     string // a Skip reason ("fatigue") or an error's message key
	Column     string // the column an error is about ("" when none)
	InstanceID int64
}

// BulkReport is the outcome of a bulk file, row by row.
type BulkReport struct {
	Rows        []BulkRow
	Invited     int
	Skipped     int
	Failed      int
	FatigueDays int // the hospital's fatigue window, to explain "fatigue" skips
}

type bulkLine struct {
	line   int
	fields map[string]string
}

// readBulk reads a bulk file whole before anything is written: UTF-8 with or without a
// byte-order mark, a header row, at most MaxBulkRows rows. A file that breaks any of
// this is refused with an EInvalid error ("line" in Fields for a malformed row).
func readBulk(r io.Reader) ([]bulkLine, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
	}
	if b, _ := br.Peek(512); bytes.IndexByte(b, 0) >= 0 { // a spreadsheet or other binary file
		return nil, &app.Error{Code: app.EInvalid, Message: "err.survey_bulk_not_csv"}
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &app.Error{Code: app.EInvalid, Message: "err.csv_empty"}
	}
	if err != nil {
		return nil, &app.Error{Code: app.EInvalid, Message: "err.csv_malformed"}
	}
	idx := map[string]int{}
	for i, h := range header {
		if !utf8.ValidString(h) {
			return nil, &app.Error{Code: app.EInvalid, Message: "err.survey_bulk_encoding"}
		}
		h = strings.ToLower(strings.TrimSpace(h))
		if slices.Contains(BulkColumns, h) {
			if _, dup := idx[h]; !dup {
				idx[h] = i
			}
		}
	}
	_, mrn := idx["mrn"]
	_, phone := idx["phone"]
	_, email := idx["email"]
	if !mrn && !phone && !email {
		return nil, &app.Error{Code: app.EInvalid, Message: "err.survey_bulk_columns"}
	}
	var rows []bulkLine
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			if pe := (*csv.ParseError)(nil); errors.As(err, &pe) {
				line = pe.StartLine
			}
			return nil, &app.Error{Code: app.EInvalid, Message: "err.csv_malformed", Fields: app.FieldErrors{"line": strconv.Itoa(line)}}
		}
		line, _ := cr.FieldPos(0)
		f, blank := map[string]string{}, true
		for c, i := range idx {
			if i < len(rec) {
				if !utf8.ValidString(rec[i]) {
					return nil, &app.Error{Code: app.EInvalid, Message: "err.survey_bulk_encoding", Fields: app.FieldErrors{"line": strconv.Itoa(line)}}
				}
				f[c] = strings.TrimSpace(rec[i])
				blank = blank && f[c] == ""
			}
		}
		if blank {
			continue
		}
		if len(rows) >= MaxBulkRows {
			return nil, &app.Error{Code: app.EInvalid, Message: "err.survey_bulk_too_many"}
		}
		rows = append(rows, bulkLine{line: line, fields: f})
	}
	return rows, nil
}

// BulkInvite invites the patients of a CSV file to a template (its active version) at a
// hospital: columns mrn, name, phone, email, language and department (a department
// code) in any order, other columns ignored. A malformed file (not CSV, not UTF-8, no
// usable header, more than MaxBulkRows rows) is refused whole and nothing is written.
// Otherwise every row is checked and invited on its own: a bad row (unknown MRN or
// department, a bad number) or a patient the hospital's rules leave out is reported
// and never stops the others. Rows are written in transactions of 500; the file is
// audited once.
func (s *Service) BulkInvite(ctx context.Context, by app.Principal, templateID, hospitalID int64, r io.Reader, ch app.Channel) (BulkReport, error) {
	var rep BulkReport
	if !by.Can(app.PermSurveySend) {
		return rep, app.ErrForbidden
	}
	if !by.Scope.Allows(hospitalID) {
		return rep, app.ErrNotFound
	}
	fe := app.FieldErrors{}
	if !checkChannel(ch) {
		fe.Add("channel", "err.choose_option")
	}
	t, msg := s.checkTemplateFor(ctx, by, templateID, hospitalID)
	if msg != "" {
		fe.Add("template_id", msg)
	}
	if err := fe.Err(); err != nil {
		return rep, err
	}
	lines, err := readBulk(r)
	if err != nil {
		return rep, err
	}
	settings, err := s.st.SurveySettings(ctx, hospitalID)
	if err != nil {
		return rep, err
	}
	rep.FatigueDays = settings.FatigueDays

	// Check every row first (read-only), so the writes hold the writer briefly.
	type good struct {
		row int // index into rep.Rows
		in  Invitation
	}
	var goods []good
	depts := map[string]int64{}
	for _, l := range lines {
		f := l.fields
		rfe := app.FieldErrors{}
		in := s.checkContact(ctx, hospitalID, PatientContact{MRN: f["mrn"], Name: f["name"], Phone: f["phone"], Email: f["email"],
			Lang: f["language"]}, rfe)
		if code := strings.ToUpper(f["department"]); code != "" {
			id, ok := depts[code]
			if !ok {
				if d, err := s.st.DepartmentByCode(ctx, hospitalID, code); err == nil {
					id = d.ID
				}
				depts[code] = id
			}
			if id == 0 {
				rfe.Add("department", "err.survey_unknown_department")
			}
			in.DepartmentID = id
		}
		if len(rfe) > 0 {
			col := rfe.Names()[0]
			if col == "mrn" && f["mrn"] == "" { // "no contact": the row, not the column
				col = ""
			}
			rep.Rows = append(rep.Rows, BulkRow{Line: l.line, Status: BulkError, Reason: rfe[rfe.Names()[0]], Column: col})
			continue
		}
		in.TemplateID, in.Channel, in.Source = t.ID, ch, app.SourceBulk
		rep.Rows = append(rep.Rows, BulkRow{Line: l.line})
		goods = append(goods, good{row: len(rep.Rows) - 1, in: in})
	}

	audit := func(tx *store.Tx) error {
		rep.tally()
		return tx.Audit(ctx, app.Audit{Action: "survey.bulk", Entity: "survey_template", EntityID: strconv.FormatInt(t.Family, 10),
			HospitalID: hospitalID, Summary: map[string]any{"template": t.ID, "rows": len(rep.Rows), "invited": rep.Invited,
				"skipped": rep.Skipped, "failed": rep.Failed, "channel": ch}})
	}
	if len(goods) == 0 {
		return rep, s.st.InTx(ctx, by, audit)
	}
	for start := 0; start < len(goods); start += bulkBatch {
		batch := goods[start:min(start+bulkBatch, len(goods))]
		last := start+bulkBatch >= len(goods)
		err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
			for _, g := range batch {
				row := &rep.Rows[g.row]
				if _, err := tx.ExecContext(ctx, "savepoint bulk_row"); err != nil {
					return err
				}
				inst, err := s.InviteTx(ctx, tx, g.in)
				var skip *Skip
				switch {
				case err == nil:
					row.Status, row.InstanceID = BulkInvited, inst.ID
				case errors.As(err, &skip): // nothing was invited; what InviteTx logged (a refused number) stays
					row.Status, row.Reason = BulkSkipped, skip.Reason
				default:
					if _, rbErr := tx.ExecContext(ctx, "rollback to bulk_row"); rbErr != nil {
						return rbErr
					}
					if ctx.Err() != nil {
						return ctx.Err()
					}
					row.Status, row.Reason = BulkError, app.ErrorMessage(err)
					if app.ErrorCode(err) == app.EInternal {
						s.log.Error("bulk survey invitation", "line", row.Line, "err", err)
					}
				}
				if _, err := tx.ExecContext(ctx, "release bulk_row"); err != nil {
					return err
				}
			}
			if last {
				return audit(tx)
			}
			return nil
		})
		if err != nil {
			for _, g := range batch { // the batch was rolled back
				rep.Rows[g.row] = BulkRow{Line: rep.Rows[g.row].Line, Status: BulkError, Reason: "err.internal"}
			}
			for _, g := range goods[start+len(batch):] {
				rep.Rows[g.row] = BulkRow{Line: rep.Rows[g.row].Line, Status: BulkError, Reason: "err.survey_bulk_stopped"}
			}
			rep.tally()
			return rep, fmt.Errorf("bulk survey invitations, line %d on: %w", rep.Rows[batch[0].row].Line, err)
		}
	}
	return rep, nil
}

func (r *BulkReport) tally() {
	r.Invited, r.Skipped, r.Failed = 0, 0, 0
	for _, x := range r.Rows {
		switch x.Status {
		case BulkInvited:
			r.Invited++
		case BulkSkipped:
			r.Skipped++
		default:
			r.Failed++
		}
	}
}

// Invitations lists the invitations of the user's hospitals, newest first (anonymous
// ward visits are not invitations and are left out).
func (s *Service) Invitations(ctx context.Context, by app.Principal, q app.ListQuery) (app.Page[store.SurveyInvitation], error) {
	if !by.Can(app.PermSurveySend) && !by.Can(app.PermSurveyView) {
		return app.Page[store.SurveyInvitation]{}, app.ErrForbidden
	}
	q.Scope = by.Scope
	return s.st.ListSurveyInvitations(ctx, store.SurveyInvitationFilter{ListQuery: q})
}
