package views

import (
	"strings"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// DuplicateRow is a possible duplicate shown on a complaint's record page, with why it is
// offered ("same_patient", "same_phone", "similar_text").
type DuplicateRow struct {
	C       app.Complaint
	Reasons []string
}

// DuplicatesCard lists the possible duplicates of complaint c. Users who may manage
// complaints get, on each row, a form to merge that complaint into c and one to merge c
// into it (each asks for confirmation; a cancelled complaint cannot survive a merge).
func DuplicatesCard(f Frame, c app.Complaint, rows []DuplicateRow) g.Node {
	if len(rows) == 0 {
		return nil
	}
	manage := f.Can(app.PermComplaintManage)
	mergeForm := func(survivor, duplicate app.Complaint, label string) g.Node {
		if survivor.Status == app.StatusCancelled {
			return nil
		}
		return h.Form(h.Class("inline-form"), h.Method("post"), h.Action("/complaints/"+id64(survivor.ID)+"/merge"),
			h.Data("confirm", f.T("complaint.duplicates.confirm", duplicate.TrackingCode, survivor.TrackingCode)),
			h.Input(h.Type("hidden"), h.Name("duplicate_id"), h.Value(id64(duplicate.ID))),
			h.Button(h.Type("submit"), h.Class("btn btn-small"), g.Text(f.T(label))))
	}
	head := []g.Node{
		h.Th(h.Scope("col"), g.Text(f.T("complaint.field.tracking_code"))),
		h.Th(h.Scope("col"), g.Text(f.T("complaint.field.title"))),
		h.Th(h.Scope("col"), g.Text(f.T("field.status"))),
		h.Th(h.Scope("col"), g.Text(f.T("complaint.duplicates.reasons"))),
		h.Th(h.Scope("col"), g.Text(f.T("complaint.field.created"))),
	}
	if manage {
		head = append(head, h.Th(h.Scope("col"), g.Text(f.T("complaint.merge"))))
	}
	body := make([]g.Node, 0, len(rows))
	for _, x := range rows {
		var reasons []g.Node
		for _, r := range x.Reasons {
			reasons = append(reasons, h.Span(h.Class("badge duplicate-reason duplicate-"+strings.ReplaceAll(r, "_", "-")),
				g.Text(f.T("complaint.duplicates.reason."+r))), g.Text(" "))
		}
		body = append(body, h.Tr(
			h.Td(h.A(h.Href("/complaints/"+id64(x.C.ID)), ltr(x.C.TrackingCode))),
			h.Td(h.Span(h.Dir("auto"), g.Text(x.C.Title))),
			h.Td(statusBadge(f, x.C.Status)),
			h.Td(g.Group(reasons)),
			h.Td(f.DateTime(x.C.CreatedAt)),
			g.If(manage, h.Td(
				mergeForm(c, x.C, "complaint.duplicates.merge_here"),
				mergeForm(x.C, c, "complaint.duplicates.merge_there"),
			)),
		))
	}
	return h.Section(h.Class("card duplicates"), h.Aria("labelledby", "duplicates-title"),
		h.H2(h.ID("duplicates-title"), g.Text(f.T("complaint.duplicates.title"))),
		h.P(h.Class("help"), g.Text(f.T("complaint.duplicates.help"))),
		h.Div(h.Class("table-wrap"), h.Table(h.Class("table"), h.THead(h.Tr(g.Group(head))), h.TBody(g.Group(body)))),
	)
}

// MergedNotice tells staff that the complaint was merged into another one (linked by its
// tracking code; code is "" when it cannot be shown).
func MergedNotice(f Frame, survivorID int64, code string) g.Node {
	link := g.Node(g.Text("#" + id64(survivorID)))
	if code != "" {
		link = ltr(code)
	}
	return h.Div(h.Class("notice merged-notice"), h.Role("status"),
		h.P(g.Text(f.T("complaint.merged_into")+" "), h.A(h.Href("/complaints/"+id64(survivorID)), link)))
}

// duplicateTimelineText names the timeline entries a merge writes; ok is false for other
// kinds. (timelineText should call it for kinds it does not know.)
func duplicateTimelineText(f Frame, e app.TimelineEntry) (text string, ok bool) {
	switch e.Kind {
	case "merged_into", "merged_from", "merged_entry", "merged":
		return f.T("complaint.timeline." + e.Kind), true
	}
	return "", false
}
