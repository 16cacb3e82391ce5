package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"px360/app"
	"px360/store"
)

// Patient is how to reach a patient for one notification.
type Patient struct {
	ID    int64 // 0 when the person is not a registered patient
	Name  string
	Phone string // as entered; normalised to E.164 here
	Email string
	Lang  string // "ar" or "en"
}

// Recipient is a staff member or user to notify: in-app needs UserID, email needs Email.
type Recipient = store.Recipient

// Request asks for one notification to go to a patient or to staff.
type Request struct {
	Key        app.NotificationKey
	HospitalID int64
	Patient    *Patient    // patient keys
	Staff      []Recipient // staff keys
	// Vars gives the template values in a language ("ar" or "en"); recipient_name,
	// hospital_name and opt_out_link are filled in here.
	Vars func(lang string) map[string]string
	Link string // where an in-app notification leads (a path, "/complaints/12")
	// Channels, when set, replaces the hospital's channels for this key (a survey sent
	// "by WhatsApp" on purpose).
	Channels []app.Channel
	// Ref makes the request idempotent: the same Ref never queues a message to the same
	// recipient on the same channel twice (an outbox event id, "complaint:12:ack").
	Ref string
}

// Queued reports what Enqueue did.
type Queued struct {
	Messages int      // outbound messages queued
	Inbox    int      // in-app notifications added
	Skipped  []string // why a recipient or channel was left out
	// For a patient message: the one queued (0 when none) and its channel.
	MessageID int64
	Channel   app.Channel
}

// Enqueue queues req in its own transaction.
func (s *Service) Enqueue(ctx context.Context, req Request) (Queued, error) {
	var q Queued
	err := s.st.InTx(ctx, app.System, func(tx *store.Tx) error {
		var err error
		q, err = s.EnqueueTx(ctx, tx, req)
		return err
	})
	return q, err
}

// EnqueueTx queues req inside the caller's transaction, so the notification commits
// with the change that caused it, or not at all.
func (s *Service) EnqueueTx(ctx context.Context, tx *store.Tx, req Request) (Queued, error) {
	var q Queued
	kind, ok := req.Key.Kind()
	if !ok {
		return q, fmt.Errorf("notify: unknown key %q", req.Key)
	}
	if req.Ref == "" {
		return q, errors.New("notify: a request needs a Ref")
	}
	routes, err := s.routes(ctx, req.HospitalID)
	if err != nil {
		return q, err
	}
	chans := routes[req.Key]
	if len(req.Channels) > 0 {
		chans = req.Channels
	}
	if len(chans) == 0 {
		q.Skipped = append(q.Skipped, "the hospital switched this notification off")
		return q, nil
	}
	saved, err := s.st.NotifyTemplates(ctx, req.HospitalID)
	if err != nil {
		return q, err
	}
	hospital := map[string]string{}
	if h, err := s.st.HospitalByID(ctx, app.System.Scope, req.HospitalID); err == nil {
		hospital["en"], hospital["ar"] = h.NameEN, app.Name("ar", h.NameEN, h.NameAR)
	}
	vars := func(lang, name string) map[string]string {
		v := map[string]string{}
		if req.Vars != nil {
			for k, x := range req.Vars(lang) {
				v[k] = x
			}
		}
		v["recipient_name"], v["hospital_name"] = name, hospital[lang]
		return v
	}
	render := func(ch app.Channel, lang string, v map[string]string) (string, string, app.Template) {
		t := effective(saved, req.HospitalID, req.Key, ch).Template
		sub, body := t.Text(lang)
		return strings.TrimSpace(app.RenderTemplate(sub, v)), strings.TrimSpace(app.RenderTemplate(body, v)), t
	}
	if kind.Audience == app.AudiencePatient {
		return s.enqueuePatient(ctx, tx, req, kind, chans, vars, render)
	}
	for _, r := range req.Staff {
		lang := r.Language
		if lang != "ar" {
			lang = "en"
		}
		v := vars(lang, r.Name)
		for _, ch := range chans {
			sub, body, _ := render(ch, lang, v)
			switch ch {
			case app.ChannelInApp:
				if r.UserID == "" {
					continue
				}
				if err := tx.AddInbox(ctx, app.InboxItem{UserID: r.UserID, HospitalID: req.HospitalID, Key: req.Key,
					Title: sub, Body: body, Link: req.Link}, req.Ref+"|inapp|"+r.UserID); err != nil {
					return q, err
				}
				q.Inbox++
			case app.ChannelEmail:
				if r.Email == "" {
					continue
				}
				m := app.Message{HospitalID: req.HospitalID, Key: req.Key, Channel: ch, Purpose: kind.Purpose,
					Audience: app.AudienceStaff, Recipient: strings.ToLower(r.Email), Lang: lang, Subject: sub, Body: body,
					DedupeKey: req.Ref + "|email|" + strings.ToLower(r.Email)}
				if ok, err := tx.EnqueueMessage(ctx, &m); err != nil {
					return q, err
				} else if ok {
					q.Messages++
				}
			default: // staff SMS / WhatsApp are not offered: staff are reached in-app and by email
				q.Skipped = append(q.Skipped, fmt.Sprintf("%s: staff are not sent %s", r.Email, ch))
			}
		}
	}
	return q, nil
}

// enqueuePatient sends a patient key on the first channel the patient can be reached on:
// a valid address, a configured provider, and no opt-out.
func (s *Service) enqueuePatient(ctx context.Context, tx *store.Tx, req Request, kind app.NotificationKind, chans []app.Channel,
	vars func(lang, name string) map[string]string, render func(app.Channel, string, map[string]string) (string, string, app.Template)) (Queued, error) {
	var q Queued
	p := req.Patient
	if p == nil {
		q.Skipped = append(q.Skipped, "no patient contact")
		return q, nil
	}
	lang := p.Lang
	if lang != "en" {
		lang = "ar"
	}
	var refused *app.Message // a number we could not use, logged when nothing else works
	for _, ch := range chans {
		var to string
		switch {
		case ch.Phone():
			if strings.TrimSpace(p.Phone) == "" {
				continue
			}
			n, err := app.E164(p.Phone)
			if err != nil {
				q.Skipped = append(q.Skipped, fmt.Sprintf("%s: %v", ch, err))
				if refused == nil {
					refused = &app.Message{Channel: ch, Recipient: strings.TrimSpace(p.Phone), LastError: "invalid phone number: " + err.Error()}
				}
				continue
			}
			to = n
		case ch == app.ChannelEmail:
			to = strings.ToLower(strings.TrimSpace(p.Email))
			if to == "" || !strings.Contains(to, "@") {
				continue
			}
		default:
			continue
		}
		lp, err := s.sender(ctx, ch)
		if err != nil {
			s.log.Warn("notification provider unusable", "channel", ch, "err", err)
			continue
		}
		if lp.sender == nil || !lp.enabled {
			q.Skipped = append(q.Skipped, fmt.Sprintf("%s: no provider", ch))
			continue
		}
		out, err := s.st.OptedOut(ctx, to, ch, kind.Purpose)
		if err != nil {
			return q, err
		}
		if out {
			q.Skipped = append(q.Skipped, fmt.Sprintf("%s: opted out", ch))
			continue
		}
		token := app.NewOptOutToken()
		v := vars(lang, p.Name)
		v["opt_out_link"] = s.PublicURL(ctx) + "/o/" + token
		sub, body, t := render(ch, lang, v)
		m := app.Message{HospitalID: req.HospitalID, Key: req.Key, Channel: ch, Purpose: kind.Purpose,
			Audience: app.AudiencePatient, Recipient: to, PatientKey: patientKey(p, to), Lang: lang, Subject: sub, Body: body,
			OptOutToken: token, DedupeKey: req.Ref + "|patient"}
		if ch == app.ChannelWhatsApp && t.WhatsApp != "" {
			m.Template = t.WhatsApp
			_, raw := t.Text(lang)
			names, _ := app.TemplateVars(raw)
			for _, n := range names {
				m.Params = append(m.Params, v[n])
			}
		}
		if m.NextAt, err = s.holdUntil(ctx, m, tx.Now()); err != nil {
			return q, err
		}
		if ok, err := tx.EnqueueMessage(ctx, &m); err != nil {
			return q, err
		} else if ok {
			q.Messages, q.MessageID, q.Channel = q.Messages+1, m.ID, ch
		}
		return q, nil
	}
	if refused != nil { // the delivery log shows why the patient heard nothing
		refused.HospitalID, refused.Key, refused.Purpose, refused.Audience, refused.Lang = req.HospitalID, req.Key,
			kind.Purpose, app.AudiencePatient, lang
		refused.Body, refused.DedupeKey, refused.Status = "-", req.Ref+"|patient", app.MessageFailed
		if _, err := tx.EnqueueMessage(ctx, refused); err != nil {
			return q, err
		}
	}
	return q, nil
}

// patientKey is what the frequency cap counts: the patient, or the address of someone
// who is not a registered patient.
func patientKey(p *Patient, to string) string {
	if p.ID != 0 {
		return fmt.Sprintf("p:%d", p.ID)
	}
	return to
}

// holdUntil returns when a patient message may go: now, the end of the hospital's
// quiet hours (SMS and WhatsApp), or — for surveys — when the frequency cap allows.
// Service messages are never held by the cap (a complaint's acknowledgement should not
// wait behind surveys) but count towards it.
func (s *Service) holdUntil(ctx context.Context, m app.Message, now time.Time) (time.Time, error) {
	if m.Audience != app.AudiencePatient {
		return now, nil
	}
	at := now
	rules, err := s.st.ContactRules(ctx, m.HospitalID)
	if err != nil {
		return at, err
	}
	if m.Purpose == app.PurposeSurvey && rules.CapCount > 0 && m.PatientKey != "" {
		window := time.Duration(rules.CapHours) * time.Hour
		n, oldest, err := s.st.SentSince(ctx, m.PatientKey, at.Add(-window))
		if err != nil {
			return at, err
		}
		if n >= rules.CapCount {
			at = oldest.Add(window).Add(time.Second)
		}
	}
	if m.Channel.Phone() {
		if quiet, until := rules.Quiet(at, s.st.HospitalZone(ctx, m.HospitalID)); quiet {
			at = until
		}
	}
	return at, nil
}
