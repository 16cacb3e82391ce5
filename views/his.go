package views

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// kindLabel names an integration kind.
func kindLabel(f Frame, k app.IntegrationKind) string {
	switch k {
	case app.IntegrationHL7:
		return f.T("his.kind.hl7")
	case app.IntegrationJSON:
		return f.T("his.kind.json")
	}
	return string(k)
}

// integrationHospital names the hospital an integration is tied to, or says that its
// events name their own.
func integrationHospital(f Frame, id int64) string {
	if id == 0 {
		return f.T("his.hospital_from_events")
	}
	return f.HospitalName(id)
}

// keyHint shows the start of an API key, so admins can tell keys apart.
func keyHint(prefix string) g.Node {
	return h.Code(h.Class("ltr"), h.Dir("ltr"), g.Text(prefix+"…"))
}

// IntegrationList lists the HIS integrations.
func IntegrationList(f Frame, ins []app.Integration) g.Node {
	return Page(f, f.T("nav.integrations"),
		pageHeader(f.T("nav.integrations"),
			h.A(h.Class("btn"), h.Href("/admin/integrations/messages"), g.Text(f.T("his.messages"))),
			linkButton("/admin/integrations/new", f.T("his.integration_new"))),
		h.Section(h.Class("card"),
			h.P(g.Text(f.T("his.integrations_help"))),
			h.Ul(h.Class("his-endpoints"),
				h.Li(g.Text(f.T("his.endpoint_json")+" "), ltr("POST /api/v1/integrations/events")),
				h.Li(g.Text(f.T("his.endpoint_hl7")+" "), ltr("POST /api/v1/integrations/hl7")),
				h.Li(g.Text(f.T("his.endpoint_mllp"))),
			),
		),
		table(f, ins, []Column[app.Integration]{
			{Key: "field.name", Cell: func(x app.Integration) g.Node { return g.Text(x.Name) }},
			{Key: "his.field.kind", Cell: func(x app.Integration) g.Node { return g.Text(kindLabel(f, x.Kind)) }},
			{Key: "field.hospital", Cell: func(x app.Integration) g.Node { return g.Text(integrationHospital(f, x.HospitalID)) }},
			{Key: "his.field.listen", Cell: func(x app.Integration) g.Node {
				if x.ListenAddr == "" {
					return g.Text("—")
				}
				return ltr(x.ListenAddr)
			}},
			{Key: "his.field.key", Cell: func(x app.Integration) g.Node { return keyHint(x.KeyPrefix) }},
			{Key: "field.status", Cell: func(x app.Integration) g.Node {
				return badge(x.Enabled, f.T("his.enabled"), f.T("his.disabled"))
			}},
			{Key: "his.messages", Cell: func(x app.Integration) g.Node {
				return h.A(h.Href("/admin/integrations/messages?integration="+id64(x.ID)),
					h.Aria("label", f.T("his.messages_of", x.Name)), g.Text(f.T("his.messages_link")))
			}},
		}, func(x app.Integration) string { return "/admin/integrations/" + id64(x.ID) }),
	)
}

// IntegrationFields are the integration form's fields; the kind is chosen only when
// creating, and the listen address only applies to HL7 feeds.
func IntegrationFields(f Frame, creating bool, kind app.IntegrationKind) []Field {
	hospitals := []Option{{"", f.T("his.hospital_from_events")}}
	for _, x := range f.Hospitals {
		hospitals = append(hospitals, Option{x.Code, x.Code + " · " + app.Name(f.Lang, x.NameEN, x.NameAR)})
	}
	fields := []Field{{Name: "name", Label: "field.name", Required: true, Help: "his.help.name"}}
	if creating {
		fields = append(fields, Field{Name: "kind", Label: "his.field.kind", Kind: "select", Required: true, Help: "his.help.kind",
			Options: []Option{{string(app.IntegrationHL7), f.T("his.kind.hl7")}, {string(app.IntegrationJSON), f.T("his.kind.json")}}})
	}
	fields = append(fields, Field{Name: "hospital", Label: "field.hospital", Kind: "anyselect", Options: hospitals, Help: "his.help.hospital"})
	if creating || kind == app.IntegrationHL7 {
		fields = append(fields, Field{Name: "listen", Label: "his.field.listen", Help: "his.help.listen", Dir: "ltr", Auto: "off"})
	}
	return append(fields,
		Field{Name: "event_map", Label: "his.field.event_map", Kind: "textarea", Help: "his.help.event_map", Dir: "ltr"},
		Field{Name: "enabled", Label: "his.field.enabled", Kind: "checkbox"})
}

// IntegrationForm creates (in.ID 0) or edits an integration; editing also offers a new key.
func IntegrationForm(f Frame, in app.Integration, form Form) g.Node {
	title, action := f.T("his.integration_new"), "/admin/integrations"
	creating := in.ID == 0
	if !creating {
		title, action = f.T("his.integration_edit"), "/admin/integrations/"+id64(in.ID)
	}
	back := h.A(h.Class("btn"), h.Href("/admin/integrations"), g.Text(f.T("nav.integrations")))
	var about, rotate g.Node
	if !creating {
		about = h.Dl(h.Class("details"),
			h.Dt(g.Text(f.T("his.field.kind"))), h.Dd(g.Text(kindLabel(f, in.Kind))),
			h.Dt(g.Text(f.T("his.field.key"))), h.Dd(keyHint(in.KeyPrefix)),
			h.Dt(g.Text(f.T("his.messages"))), h.Dd(h.A(h.Href("/admin/integrations/messages?integration="+id64(in.ID)),
				g.Text(f.T("his.messages_link")))),
		)
		rotate = h.Section(h.Class("card"), h.H2(g.Text(f.T("his.rotate"))),
			h.P(g.Text(f.T("his.rotate_help"))),
			h.Form(h.Method("post"), h.Action("/admin/integrations/"+id64(in.ID)+"/rotate"),
				h.Button(h.Type("submit"), h.Class("btn btn-danger"), h.Data("confirm", f.T("his.rotate_confirm")),
					g.Text(f.T("his.rotate")))))
	}
	return Page(f, title, pageHeader(title, back),
		h.Section(h.Class("card"), about, slaForm(f, action, "form.save", form, IntegrationFields(f, creating, in.Kind))),
		rotate)
}

// IntegrationKey shows an API key just issued, once: PX360 keeps only its hash.
func IntegrationKey(f Frame, in app.Integration, key string, created bool) g.Node {
	title := f.T("his.key_title", in.Name)
	lead := f.T("his.key_rotated")
	if created {
		lead = f.T("his.key_created")
	}
	return Page(f, title, pageHeader(title),
		h.Section(h.Class("card"),
			h.P(h.Class("flash"), h.Role("status"), g.Text(lead)),
			h.Div(h.Class("alert"), h.Role("alert"), h.P(g.Text(f.T("his.key_once")))),
			h.H2(g.Text(f.T("his.field.key"))),
			h.P(h.Code(h.ID("integration-key"), h.Class("code-box"), h.Dir("ltr"), g.Text(key))),
			h.Button(h.Type("button"), h.Class("btn btn-small"), h.Data("copy", "integration-key"), h.Data("copied", f.T("user.copied")),
				g.Text(f.T("his.key_copy"))),
			h.P(h.Class("help"), g.Text(f.T("his.key_usage")+" "), ltr("Authorization: Bearer px360_…"), g.Text(" · "), ltr("X-API-Key: px360_…")),
			h.Div(h.Class("form-actions"),
				h.A(h.Class("btn btn-primary"), h.Href("/admin/integrations/"+id64(in.ID)), g.Text(f.T("his.key_done")))),
		))
}

// inboundBadge shows a message's status as a coloured badge with its name.
func inboundBadge(f Frame, st app.InboundStatus) g.Node {
	class := "badge"
	switch st {
	case app.InboundProcessed:
		class += " badge-ok"
	case app.InboundDuplicate:
		class += " badge-muted"
	case app.InboundError:
		class += " badge-bad"
	}
	return h.Span(h.Class(class), g.Text(f.T("his.status."+string(st))))
}

func formatLabel(k app.IntegrationKind) string {
	if k == app.IntegrationHL7 {
		return "HL7"
	}
	return "JSON"
}

// optionalCode is a code kept left-to-right, or a dash when empty.
func optionalCode(s string) g.Node {
	if s == "" {
		return g.Text("—")
	}
	return ltr(s)
}

// HISMessageList is the inbound message log: filters, the messages newest first, a pager.
func HISMessageList(f Frame, p app.Page[app.InboundMessage], ins []app.Integration, fl Filter) g.Node {
	names := map[int64]string{}
	integrations := []g.Node{h.Option(h.Value(""), g.Text(f.T("his.filter.all_integrations")))}
	for _, x := range ins {
		names[x.ID] = x.Name
		integrations = append(integrations, h.Option(h.Value(id64(x.ID)), g.If(fl.Extra.Get("integration") == id64(x.ID), h.Selected()),
			g.Text(x.Name)))
	}
	statuses := []g.Node{h.Option(h.Value(""), g.Text(f.T("his.filter.all_statuses")))}
	for _, st := range app.InboundStatuses {
		statuses = append(statuses, h.Option(h.Value(string(st)), g.If(fl.Extra.Get("status") == string(st), h.Selected()),
			g.Text(f.T("his.status."+string(st)))))
	}
	return Page(f, f.T("his.messages"),
		pageHeader(f.T("his.messages"), h.A(h.Class("btn"), h.Href("/admin/integrations"), g.Text(f.T("nav.integrations")))),
		h.P(h.Class("help"), g.Text(f.T("his.messages_help"))),
		h.Form(h.Class("filters"), h.Method("get"), h.Role("search"),
			h.Div(h.Class("field"), h.Label(h.For("filter-integration"), g.Text(f.T("his.field.integration"))),
				h.Select(h.ID("filter-integration"), h.Name("integration"), g.Group(integrations))),
			h.Div(h.Class("field"), h.Label(h.For("filter-status"), g.Text(f.T("field.status"))),
				h.Select(h.ID("filter-status"), h.Name("status"), g.Group(statuses))),
			h.Div(h.Class("field"), h.Label(h.For("filter-mrn"), g.Text(f.T("field.mrn"))),
				h.Input(h.ID("filter-mrn"), h.Type("search"), h.Name("mrn"), h.Dir("ltr"), h.Value(fl.Extra.Get("mrn")))),
			h.Button(h.Type("submit"), h.Class("btn"), g.Text(f.T("filter.apply"))),
		),
		table(f, p.Items, []Column[app.InboundMessage]{
			{Key: "field.time", Cell: func(m app.InboundMessage) g.Node { return f.DateTime(m.ReceivedAt) }},
			{Key: "his.field.integration", Cell: func(m app.InboundMessage) g.Node { return g.Text(names[m.IntegrationID]) }},
			{Key: "his.field.format", Cell: func(m app.InboundMessage) g.Node { return g.Text(formatLabel(m.Format)) }},
			{Key: "his.field.external_id", Cell: func(m app.InboundMessage) g.Node { return optionalCode(m.ExternalID) }},
			{Key: "field.event", Cell: func(m app.InboundMessage) g.Node { return optionalCode(m.Event) }},
			{Key: "field.mrn", Cell: func(m app.InboundMessage) g.Node { return optionalCode(m.MRN) }},
			{Key: "his.field.visit", Cell: func(m app.InboundMessage) g.Node { return optionalCode(m.Visit) }},
			{Key: "field.status", Cell: func(m app.InboundMessage) g.Node { return inboundBadge(f, m.Status) }},
			{Key: "field.error", Cell: func(m app.InboundMessage) g.Node {
				if m.Error == "" {
					return nil
				}
				return h.Span(h.Class("small"), h.Dir("ltr"), g.Text(trim(m.Error, 80)))
			}},
		}, func(m app.InboundMessage) string { return "/admin/integrations/messages/" + id64(m.ID) }),
		pager(f, "/admin/integrations/messages", fl, p),
	)
}

// HISMessage shows one logged message as received; problem is a message-catalog key
// when a reprocess request was refused.
func HISMessage(f Frame, m app.InboundMessage, in app.Integration, problem string) g.Node {
	title := f.T("his.message_n", strconv.FormatInt(m.ID, 10))
	hospital := g.Node(g.Text("—"))
	if m.HospitalID != 0 {
		hospital = g.Text(f.HospitalName(m.HospitalID))
	}
	item := func(key string, v g.Node) g.Node { return g.Group{h.Dt(g.Text(f.T(key))), h.Dd(v)} }
	var reprocess g.Node
	if m.Status == app.InboundError {
		reprocess = h.Section(h.Class("card"), h.H2(g.Text(f.T("his.reprocess_button"))), h.P(g.Text(f.T("his.reprocess_help"))),
			h.Form(h.Method("post"), h.Action("/admin/integrations/messages/"+id64(m.ID)+"/reprocess"),
				h.Button(h.Type("submit"), h.Class("btn btn-primary"), g.Text(f.T("his.reprocess_button")))))
	}
	raw := rawForDisplay(m)
	return Page(f, title,
		pageHeader(title, h.A(h.Class("btn"), h.Href("/admin/integrations/messages"), g.Text(f.T("his.messages")))),
		g.If(problem != "", h.Div(h.Class("alert"), h.Role("alert"), h.P(g.Text(f.T(problem))))),
		h.Section(h.Class("card"),
			h.Dl(h.Class("details"),
				item("field.status", inboundBadge(f, m.Status)),
				item("field.time", f.DateTime(m.ReceivedAt)),
				item("his.field.integration", h.A(h.Href("/admin/integrations/"+id64(in.ID)), g.Text(in.Name))),
				item("his.field.format", g.Text(formatLabel(m.Format))),
				item("his.field.external_id", optionalCode(m.ExternalID)),
				item("field.event", optionalCode(m.Event)),
				item("field.mrn", optionalCode(m.MRN)),
				item("his.field.visit", optionalCode(m.Visit)),
				item("field.hospital", hospital),
				item("field.attempts", g.Text(strconv.Itoa(m.Attempts))),
				item("his.field.processed_at", f.DateTime(m.ProcessedAt)),
				g.If(m.Error != "", item("field.error", h.Span(h.Class("his-error"), h.Dir("ltr"), g.Text(m.Error)))),
			)),
		h.Section(h.Class("card"), h.Aria("labelledby", "raw-title"),
			h.H2(h.ID("raw-title"), g.Text(f.T("his.raw"))),
			h.Pre(h.Class("his-raw"), h.Dir("ltr"), h.TabIndex("0"), g.Text(raw))),
		reprocess,
	)
}

// rawForDisplay is a logged message as the detail page shows it: HL7 segments one per
// line, JSON indented, and national IDs masked (they are sealed everywhere else).
func rawForDisplay(m app.InboundMessage) string {
	if m.Format == app.IntegrationJSON {
		var b bytes.Buffer
		raw := m.Raw
		if json.Indent(&b, []byte(raw), "", "  ") == nil {
			raw = b.String()
		}
		return jsonNationalID.ReplaceAllStringFunc(raw, func(s string) string {
			sub := jsonNationalID.FindStringSubmatch(s)
			return sub[1] + maskID(sub[2]) + sub[3]
		})
	}
	raw := strings.ReplaceAll(strings.ReplaceAll(m.Raw, "\r\n", "\n"), "\r", "\n")
	if len(raw) < 8 || !strings.HasPrefix(raw, "MSH") {
		return raw
	}
	fs, cs, rs := raw[3:4], raw[4:5], raw[5:6]
	lines := strings.Split(raw, "\n")
	for i, line := range lines {
		if !strings.HasPrefix(line, "PID"+fs) {
			continue
		}
		fields := strings.Split(line, fs)
		if len(fields) > 3 { // PID-3: identifiers; type NI is the national ID
			reps := strings.Split(fields[3], rs)
			for j, rep := range reps {
				if comps := strings.Split(rep, cs); len(comps) >= 5 && comps[4] == "NI" {
					comps[0] = maskID(comps[0])
					reps[j] = strings.Join(comps, cs)
				}
			}
			fields[3] = strings.Join(reps, rs)
		}
		if len(fields) > 19 { // PID-19: SSN, where some systems put the national ID
			fields[19] = maskID(fields[19])
		}
		lines[i] = strings.Join(fields, fs)
	}
	return strings.Join(lines, "\n")
}

var jsonNationalID = regexp.MustCompile(`("national_id"\s*:\s*")([^"\\]*)(")`)

// maskID keeps the last four characters of a national ID. The service already keeps
// national IDs out of the stored text (a marker stands in their place); this covers the
// short ones it leaves in place. Anything that is not digits (the marker) is shown as it is.
func maskID(id string) string {
	if id == "" || strings.Trim(id, "0123456789") != "" {
		return id
	}
	r := []rune(id)
	if len(r) <= 4 {
		return strings.Repeat("•", len(r))
	}
	return strings.Repeat("•", len(r)-4) + string(r[len(r)-4:])
}
