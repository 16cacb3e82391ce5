package notify

import (
	"context"
	"fmt"
	"slices"

	"px360/app"
	"px360/store"
)

// Origin says where an effective template comes from.
type Origin string

const (
	OriginBuiltin  Origin = "builtin"
	OriginSystem   Origin = "system"
	OriginHospital Origin = "hospital"
)

// TemplateRow is the template in force for one key and channel in a hospital.
type TemplateRow struct {
	app.Template
	Origin Origin
}

// Templates returns the effective template of every key on every channel for hospital
// (0: the system defaults), in the order of app.NotificationKinds.
func (s *Service) Templates(ctx context.Context, by app.Principal, hospitalID int64) ([]TemplateRow, error) {
	if !canManage(by, hospitalID) {
		return nil, app.ErrForbidden
	}
	saved, err := s.st.NotifyTemplates(ctx, hospitalID)
	if err != nil {
		return nil, err
	}
	var out []TemplateRow
	for _, k := range app.NotificationKinds {
		for _, ch := range app.Channels {
			out = append(out, effective(saved, hospitalID, k.Key, ch))
		}
	}
	return out, nil
}

// Template returns the effective template of key on ch for hospital.
func (s *Service) Template(ctx context.Context, by app.Principal, hospitalID int64, key app.NotificationKey, ch app.Channel) (TemplateRow, error) {
	if !canManage(by, hospitalID) {
		return TemplateRow{}, app.ErrForbidden
	}
	if _, ok := key.Kind(); !ok || !ch.Valid() {
		return TemplateRow{}, app.ErrNotFound
	}
	return s.template(ctx, hospitalID, key, ch)
}

func (s *Service) template(ctx context.Context, hospitalID int64, key app.NotificationKey, ch app.Channel) (TemplateRow, error) {
	saved, err := s.st.NotifyTemplates(ctx, hospitalID)
	if err != nil {
		return TemplateRow{}, err
	}
	return effective(saved, hospitalID, key, ch), nil
}

// effective picks the hospital's row, else the system's, else the built-in text.
func effective(saved []app.Template, hospitalID int64, key app.NotificationKey, ch app.Channel) TemplateRow {
	var system *app.Template
	for i, t := range saved {
		if t.Key != key || t.Channel != ch {
			continue
		}
		if t.HospitalID == hospitalID && hospitalID != 0 {
			return TemplateRow{t, OriginHospital}
		}
		if t.HospitalID == 0 {
			system = &saved[i]
		}
	}
	if system != nil {
		return TemplateRow{*system, OriginSystem}
	}
	return TemplateRow{app.DefaultTemplate(key, ch), OriginBuiltin}
}

// SaveTemplate validates and stores t as hospital t.HospitalID's own (0: the system
// default). Unknown variables are refused.
func (s *Service) SaveTemplate(ctx context.Context, by app.Principal, t app.Template) (app.Template, error) {
	if !canManage(by, t.HospitalID) {
		return t, app.ErrForbidden
	}
	fe := app.FieldErrors{}
	t.SubjectEN = app.OptionalText(fe, "subject_en", t.SubjectEN, app.MaxTemplateSubject)
	t.SubjectAR = app.OptionalText(fe, "subject_ar", t.SubjectAR, app.MaxTemplateSubject)
	t.BodyEN = app.OptionalText(fe, "body_en", t.BodyEN, app.MaxTemplateBody)
	t.BodyAR = app.OptionalText(fe, "body_ar", t.BodyAR, app.MaxTemplateBody)
	t.WhatsApp = app.OptionalText(fe, "whatsapp", t.WhatsApp, 100)
	for k, v := range t.Validate() {
		if _, ok := fe[k]; !ok {
			fe.Add(k, v)
		}
	}
	if t.Channel == app.ChannelEmail && t.SubjectEN == "" && t.SubjectAR == "" {
		fe.Add("subject_en", "err.required")
	}
	if err := fe.Err(); err != nil {
		return t, err
	}
	t.Builtin = false
	err := s.st.InTx(ctx, by, func(tx *store.Tx) error {
		if err := tx.SaveNotifyTemplate(ctx, &t); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "notify.template.save", Entity: "notify_template", EntityID: fmt.Sprint(t.ID),
			HospitalID: t.HospitalID, Summary: map[string]any{"key": t.Key, "channel": t.Channel}})
	})
	return t, err
}

// ResetTemplate removes hospital's own template of key on ch, so the system's (or the
// built-in) applies again.
func (s *Service) ResetTemplate(ctx context.Context, by app.Principal, hospitalID int64, key app.NotificationKey, ch app.Channel) error {
	if !canManage(by, hospitalID) {
		return app.ErrForbidden
	}
	return s.st.InTx(ctx, by, func(tx *store.Tx) error {
		removed, err := tx.DeleteNotifyTemplate(ctx, hospitalID, key, ch)
		if err != nil || !removed {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "notify.template.reset", Entity: "notify_template",
			EntityID: fmt.Sprintf("%d/%s/%s", hospitalID, key, ch), HospitalID: hospitalID})
	})
}

// Preview renders a template with sample values in lang.
func Preview(t app.Template, lang string) (subject, body string) {
	vars := app.SampleVars(lang)
	sub, b := t.Text(lang)
	return app.RenderTemplate(sub, vars), app.RenderTemplate(b, vars)
}

// Routes returns the channels every key goes out on in hospital, in order of preference.
func (s *Service) Routes(ctx context.Context, by app.Principal, hospitalID int64) (map[app.NotificationKey][]app.Channel, error) {
	if hospitalID == 0 || !canManage(by, hospitalID) {
		return nil, app.ErrForbidden
	}
	return s.routes(ctx, hospitalID)
}

func (s *Service) routes(ctx context.Context, hospitalID int64) (map[app.NotificationKey][]app.Channel, error) {
	saved, err := s.st.NotifyRoutes(ctx, hospitalID)
	if err != nil {
		return nil, err
	}
	out := map[app.NotificationKey][]app.Channel{}
	for _, k := range app.NotificationKinds {
		if chans, ok := saved[k.Key]; ok {
			out[k.Key] = chans
		} else {
			out[k.Key] = slices.Clone(k.Channels)
		}
	}
	return out, nil
}

// SaveRoutes stores hospital's channels for the keys in routes. Patient keys may not use
// in-app (patients do not sign in).
func (s *Service) SaveRoutes(ctx context.Context, by app.Principal, hospitalID int64, routes map[app.NotificationKey][]app.Channel) error {
	if hospitalID == 0 || !canManage(by, hospitalID) {
		return app.ErrForbidden
	}
	fe := app.FieldErrors{}
	for key, chans := range routes {
		kind, ok := key.Kind()
		if !ok {
			fe.Add("key", "err.choose_option")
			continue
		}
		for _, c := range chans {
			if !c.Valid() || (kind.Audience == app.AudiencePatient && c == app.ChannelInApp) {
				fe.Add(string(key), "err.choose_option")
			}
		}
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return s.st.InTx(ctx, by, func(tx *store.Tx) error {
		for key, chans := range routes {
			if err := tx.SaveNotifyRoute(ctx, hospitalID, key, chans); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, app.Audit{Action: "notify.routes.save", Entity: "hospital", EntityID: fmt.Sprint(hospitalID),
			HospitalID: hospitalID, Summary: routes})
	})
}

// Rules returns a hospital's contact rules.
func (s *Service) Rules(ctx context.Context, by app.Principal, hospitalID int64) (app.ContactRules, error) {
	if hospitalID == 0 || !canManage(by, hospitalID) {
		return app.ContactRules{}, app.ErrForbidden
	}
	return s.st.ContactRules(ctx, hospitalID)
}

// SaveRules stores a hospital's quiet hours and frequency cap.
func (s *Service) SaveRules(ctx context.Context, by app.Principal, r app.ContactRules) error {
	if r.HospitalID == 0 || !canManage(by, r.HospitalID) {
		return app.ErrForbidden
	}
	fe := app.FieldErrors{}
	if r.QuietStart < 0 || r.QuietStart >= 24*60 {
		fe.Add("quiet_start", "err.time_invalid")
	}
	if r.QuietEnd < 0 || r.QuietEnd >= 24*60 {
		fe.Add("quiet_end", "err.time_invalid")
	}
	if r.CapCount < 0 || r.CapCount > 100 {
		fe.Add("cap_count", "err.number_range")
	}
	if r.CapHours < 1 || r.CapHours > 24*31 {
		fe.Add("cap_hours", "err.number_range")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return s.st.InTx(ctx, by, func(tx *store.Tx) error {
		if err := tx.SaveContactRules(ctx, r); err != nil {
			return err
		}
		return tx.Audit(ctx, app.Audit{Action: "notify.rules.save", Entity: "hospital", EntityID: fmt.Sprint(r.HospitalID),
			HospitalID: r.HospitalID, Summary: r})
	})
}
