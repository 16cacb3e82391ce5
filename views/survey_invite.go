package views

import (
	"strconv"
	"time"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
	"px360/app/surveys"
)

// SurveyInvitationRow is one invitation of the recent list.
type SurveyInvitationRow struct {
	In         app.SurveyInstance
	TemplateEN string
	TemplateAR string
}

// SurveyInvitePage is the invitations page: invite one patient, invite a file of
// patients, and the recent invitations.
type SurveyInvitePage struct {
	Templates []app.SurveyTemplate // those patients can be invited to
	Depts     []app.Department
	Form      Form              // the one-patient form
	Skip      *surveys.SkipInfo // why the patient just submitted was not invited
	Bulk      Form              // the file form
	Report    *surveys.BulkReport
	List      app.Page[SurveyInvitationRow]
	Filter    Filter
	Now       time.Time
}

func surveyTemplateOptions(f Frame, ts []app.SurveyTemplate) []Option {
	var out []Option
	for _, t := range ts {
		label := surveyTemplateName(f, t)
		if t.HospitalID != 0 {
			label = f.HospitalCode(t.HospitalID) + " · " + label
		}
		out = append(out, Option{id64(t.ID), label})
	}
	return out
}

func surveyChannelOptions(f Frame) []Option {
	var out []Option
	for _, c := range app.OutboundChannels {
		out = append(out, Option{string(c), channelName(f, c)})
	}
	return out
}

// SurveyInviteFields are the one-patient form's fields.
func SurveyInviteFields(f Frame, ts []app.SurveyTemplate, ds []app.Department) []Field {
	return []Field{
		{Name: "template_id", Label: "survey.field.template", Kind: "select", Required: true, Options: surveyTemplateOptions(f, ts)},
		{Name: "hospital_id", Label: "field.hospital", Kind: "select", Required: true, Options: hospitalOptions(f)},
		{Name: "department_id", Label: "field.department", Kind: "select", Options: departmentOptions(f, ds)},
		{Name: "mrn", Label: "field.mrn", Dir: "ltr", Auto: "off", Help: "survey.help.mrn"},
		{Name: "name", Label: "survey.field.patient_name", Auto: "off"},
		{Name: "phone", Label: "survey.field.phone", Kind: "tel", Dir: "ltr", Auto: "off"},
		{Name: "email", Label: "survey.field.email", Kind: "email", Dir: "ltr", Auto: "off"},
		{Name: "language", Label: "field.language", Kind: "select", Options: languageOptions(), Help: "survey.help.language"},
		{Name: "channel", Label: "survey.field.channel", Kind: "select", Options: surveyChannelOptions(f), Help: "survey.help.channel"},
	}
}

// SurveyBulkFields are the file form's fields.
func SurveyBulkFields(f Frame, ts []app.SurveyTemplate) []Field {
	return []Field{
		{Name: "template_id", Label: "survey.field.template", Kind: "select", Required: true, Options: surveyTemplateOptions(f, ts)},
		{Name: "hospital_id", Label: "field.hospital", Kind: "select", Required: true, Options: hospitalOptions(f)},
		{Name: "channel", Label: "survey.field.channel", Kind: "select", Options: surveyChannelOptions(f), Help: "survey.help.channel"},
		{Name: "file", Label: "survey.field.file", Kind: "file", Required: true, Help: "survey.help.bulk_file"},
	}
}

// surveySkipText says why a patient was not invited, in words.
func surveySkipText(f Frame, s surveys.SkipInfo, now time.Time) string {
	switch s.Reason {
	case surveys.SkipFatigue:
		if !s.LastInvited.IsZero() {
			return f.T("survey.skip.fatigue_days", int(now.Sub(s.LastInvited).Hours()/24), s.FatigueDays)
		}
		return f.T("survey.skip.fatigue", s.FatigueDays)
	case surveys.SkipMinor:
		return f.T("survey.skip.minor", s.MinAge)
	case surveys.SkipDeceased, surveys.SkipDepartment, surveys.SkipNoContact, surveys.SkipDuplicate:
		return f.T("survey.skip." + s.Reason)
	}
	return f.T("survey.skip.other")
}

var invitationTone = map[app.SurveyStatus]string{app.SurveyCompleted: "badge-ok", app.SurveyExpired: "badge-muted",
	app.SurveyPending: "badge-warn", app.SurveyOpened: ""}

func invitationBadge(f Frame, s app.SurveyStatus) g.Node {
	return h.Span(h.Class("badge "+invitationTone[s]), g.Text(f.T("survey.instance_status."+string(s))))
}

// SurveyInvitations is the invitations page.
func SurveyInvitations(f Frame, p SurveyInvitePage) g.Node {
	title := f.T("survey.invitations_title")
	var skip g.Node
	if p.Skip != nil {
		skip = h.Div(h.Class("notice notice-warn"), h.Role("status"), h.ID("invite-result"),
			h.Strong(g.Text(f.T("survey.skip.title"))), g.Text(" "+surveySkipText(f, *p.Skip, p.Now)))
	}
	return Page(f, title,
		pageHeader(title, g.If(f.Can(app.PermSurveyView), h.A(h.Class("btn"), h.Href("/surveys"), g.Text(f.T("survey.templates_title"))))),
		h.Div(h.Class("split"),
			h.Section(h.Class("card"), h.ID("invite"),
				h.H2(g.Text(f.T("survey.invite_one"))),
				h.P(h.Class("help"), g.Text(f.T("survey.invite_help"))),
				skip,
				FormView(f, "/surveys/invitations", "survey.invite_submit", p.Form, SurveyInviteFields(f, p.Templates, p.Depts))),
			h.Section(h.Class("card"), h.ID("bulk"),
				h.H2(g.Text(f.T("survey.invite_file"))),
				h.P(h.Class("help"), g.Text(f.T("survey.bulk_help", surveys.MaxBulkRows))),
				h.P(h.Class("small"), g.Text(f.T("survey.bulk_columns")+" "), ltr("mrn,name,phone,email,language,department")),
				FormView(f, "/surveys/invitations/bulk", "survey.bulk_submit", p.Bulk, SurveyBulkFields(f, p.Templates))),
		),
		surveyBulkReport(f, p.Report),
		h.Section(h.Class("card"), h.ID("recent"),
			h.H2(g.Text(f.T("survey.recent_invitations"))),
			table(f, p.List.Items, []Column[SurveyInvitationRow]{
				{Key: "survey.field.sent", Cell: func(x SurveyInvitationRow) g.Node { return f.DateTime(x.In.CreatedAt) }},
				{Key: "survey.field.template", Cell: func(x SurveyInvitationRow) g.Node {
					return g.Text(app.Name(f.Lang, x.TemplateEN, x.TemplateAR))
				}},
				{Key: "field.hospital", Cell: func(x SurveyInvitationRow) g.Node { return g.Text(f.HospitalCode(x.In.HospitalID)) }},
				{Key: "survey.field.patient_name", Cell: func(x SurveyInvitationRow) g.Node { return h.Span(h.Dir("auto"), g.Text(x.In.Name)) }},
				{Key: "survey.field.contact", Cell: func(x SurveyInvitationRow) g.Node {
					if x.In.Phone != "" {
						return ltr(x.In.Phone)
					}
					return ltr(x.In.Email)
				}},
				{Key: "survey.field.channel", Cell: func(x SurveyInvitationRow) g.Node {
					if x.In.Channel == "" {
						return g.Text("—")
					}
					return g.Text(channelName(f, x.In.Channel))
				}},
				{Key: "survey.field.source", Cell: func(x SurveyInvitationRow) g.Node { return g.Text(f.T("survey.source." + string(x.In.Source))) }},
				{Key: "field.status", Cell: func(x SurveyInvitationRow) g.Node { return invitationBadge(f, x.In.Status) }},
			}, nil),
			pager(f, "/surveys/invitations", p.Filter, p.List)),
	)
}

// surveyBulkReport lists a file's rows: invited, skipped (why) or refused (which column, why).
func surveyBulkReport(f Frame, r *surveys.BulkReport) g.Node {
	if r == nil {
		return nil
	}
	var rows []g.Node
	for _, x := range r.Rows {
		var status g.Node
		reason := ""
		switch x.Status {
		case surveys.BulkInvited:
			status = h.Span(h.Class("badge badge-ok"), g.Text(f.T("survey.bulk.invited")))
		case surveys.BulkSkipped:
			status = h.Span(h.Class("badge badge-warn"), g.Text(f.T("survey.bulk.skipped")))
			reason = surveySkipText(f, surveys.SkipInfo{Reason: x.Reason, FatigueDays: r.FatigueDays}, time.Time{})
		default:
			status = h.Span(h.Class("badge badge-bad"), g.Text(f.T("survey.bulk.error")))
			reason = f.T(x.Reason)
		}
		rows = append(rows, h.Tr(
			h.Td(h.Class("num"), g.Text(strconv.Itoa(x.Line))),
			h.Td(status),
			h.Td(g.If(x.Column != "", ltr(x.Column))),
			h.Td(g.Text(reason)),
		))
	}
	return h.Section(h.Class("card"), h.ID("bulk-report"), h.Role("status"),
		h.H2(g.Text(f.T("survey.bulk.report"))),
		h.P(g.Text(f.T("survey.bulk.summary", r.Invited, r.Skipped, r.Failed))),
		g.If(len(rows) > 0, h.Div(h.Class("table-wrap"), h.Table(h.Class("table"),
			h.THead(h.Tr(
				h.Th(h.Scope("col"), g.Text(f.T("import.line"))),
				h.Th(h.Scope("col"), g.Text(f.T("survey.bulk.result"))),
				h.Th(h.Scope("col"), g.Text(f.T("survey.bulk.column"))),
				h.Th(h.Scope("col"), g.Text(f.T("survey.bulk.reason"))))),
			h.TBody(rows...)))),
	)
}
