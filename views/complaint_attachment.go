package views

import (
	"strconv"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"px360/app"
)

// AttachmentsProps are a complaint's attachments and the upload form.
type AttachmentsProps struct {
	Complaint app.Complaint
	Items     []app.Attachment
	Upload    Form  // the upload form: its error after a refused file
	MaxSize   int64 // the largest file accepted, in bytes
	MaxCount  int   // files per complaint
}

// attachmentAccept is the browser's file-picker hint; the server decides from the bytes.
const attachmentAccept = ".pdf,.jpg,.jpeg,.png,.gif,.webp,.heic,.heif,.txt,.csv,.docx,.xlsx,.pptx"

func attachmentsURL(c app.Complaint) string { return "/complaints/" + id64(c.ID) + "/attachments" }

// AttachmentsCard lists a complaint's files (name, size, who, when); each name
// downloads the file.
func AttachmentsCard(f Frame, p AttachmentsProps) g.Node {
	base := attachmentsURL(p.Complaint)
	return h.Section(h.Class("card"), h.ID("attachments"), h.H2(g.Text(f.T("complaint.attachments.title"))),
		g.If(len(p.Items) == 0, h.P(h.Class("muted"), g.Text(f.T("complaint.attachments.none")))),
		g.If(len(p.Items) > 0, table(f, p.Items, []Column[app.Attachment]{
			{Key: "complaint.attachments.name", Cell: func(a app.Attachment) g.Node {
				return h.A(h.Href(base+"/"+id64(a.ID)), h.Download(""), h.Dir("auto"), g.Text(a.Name))
			}},
			{Key: "complaint.attachments.size", Num: true, Cell: func(a app.Attachment) g.Node { return g.Text(fileSize(f, a.Size)) }},
			{Key: "complaint.attachments.by", Cell: func(a app.Attachment) g.Node { return ltr(a.UploadedBy) }},
			{Key: "complaint.attachments.when", Cell: func(a app.Attachment) g.Node { return f.DateTime(a.CreatedAt) }},
		}, nil)))
}

// AttachmentUploadCard is the upload form, for users who may add to complaints.
func AttachmentUploadCard(f Frame, p AttachmentsProps) g.Node {
	title := h.H2(g.Text(f.T("complaint.attachments.add_title")))
	if p.MaxCount > 0 && len(p.Items) >= p.MaxCount {
		return h.Section(h.Class("card"), title,
			h.P(h.Class("muted"), g.Text(f.T("complaint.attachments.full", strconv.Itoa(p.MaxCount)))))
	}
	const id = "f-attachment-file"
	key, hasErr := p.Upload.Errors["file"]
	msg := ""
	switch key {
	case "err.attachment_too_large":
		msg = f.T(key, megabytes(p.MaxSize))
	case "err.attachment_limit":
		msg = f.T(key, strconv.Itoa(p.MaxCount))
	default:
		msg = f.T(key)
	}
	describedBy := id + "-help"
	if hasErr {
		describedBy += " " + id + "-error"
	}
	return h.Section(h.Class("card"), title,
		h.Form(h.Class("form"), h.Method("post"), h.Action(attachmentsURL(p.Complaint)), h.EncType("multipart/form-data"),
			g.Attr("novalidate"),
			g.If(hasErr, h.Div(h.Class("error-summary"), h.Role("alert"), h.TabIndex("-1"),
				h.H2(g.Text(f.T("form.fix_errors"))), h.Ul(h.Li(h.A(h.Href("#"+id), g.Text(msg)))))),
			h.Div(h.Class(fieldClass(hasErr)),
				h.Label(h.For(id), g.Text(f.T("complaint.attachments.file")),
					h.Span(h.Class("req"), h.Aria("hidden", "true"), g.Text(" *"))),
				h.Input(h.ID(id), h.Name("file"), h.Type("file"), h.Required(), h.Accept(attachmentAccept),
					h.Aria("describedby", describedBy), g.If(hasErr, h.Aria("invalid", "true"))),
				h.P(h.ID(id+"-help"), h.Class("help"), g.Text(f.T("complaint.attachments.help", megabytes(p.MaxSize)))),
				g.If(hasErr, h.P(h.ID(id+"-error"), h.Class("field-error"), g.Text(msg))),
			),
			h.Div(h.Class("form-actions"), h.Button(h.Type("submit"), h.Class("btn btn-primary"),
				g.Text(f.T("complaint.attachments.submit")))),
		))
}

// megabytes writes a size in whole MB, or with one decimal when it is not whole.
func megabytes(n int64) string {
	if n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10)
	}
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64)
}

// fileSize writes a file's size in KB (at least 1) or, from 1 MB, in MB.
func fileSize(f Frame, n int64) string {
	if n < 1<<20 {
		return f.T("complaint.attachments.kb", strconv.FormatInt(max(1, (n+1023)/1024), 10))
	}
	return f.T("complaint.attachments.mb", strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64))
}
