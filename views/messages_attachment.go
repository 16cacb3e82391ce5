package views

// attachmentMessages are the strings of complaint attachments.
var attachmentMessages = map[string]message{
	"complaint.attachments.title":     {"Attachments", "المرفقات"},
	"complaint.attachments.none":      {"No files are attached.", "لا توجد ملفات مرفقة."},
	"complaint.attachments.name":      {"File", "الملف"},
	"complaint.attachments.size":      {"Size", "الحجم"},
	"complaint.attachments.by":        {"Added by", "أضافه"},
	"complaint.attachments.when":      {"Added", "تاريخ الإضافة"},
	"complaint.attachments.kb":        {"%s KB", "%s كيلوبايت"},
	"complaint.attachments.mb":        {"%s MB", "%s ميغابايت"},
	"complaint.attachments.add_title": {"Attach a file", "إرفاق ملف"},
	"complaint.attachments.file":      {"File", "الملف"},
	"complaint.attachments.help": {"PDF, images (JPEG, PNG, GIF, WebP, HEIC), text and Office documents (Word, Excel, PowerPoint without macros), up to %s MB.",
		"ملفات PDF والصور (JPEG وPNG وGIF وWebP وHEIC) والنصوص ومستندات Office (Word وExcel وPowerPoint بلا وحدات ماكرو)، بحجم أقصاه %s ميغابايت."},
	"complaint.attachments.submit":  {"Upload", "رفع الملف"},
	"complaint.attachments.full":    {"This complaint has the most files allowed (%s).", "بلغت هذه الشكوى الحد الأقصى للملفات (%s)."},
	"complaint.flash_attached":      {"File attached.", "تم إرفاق الملف."},
	"complaint.timeline.attachment": {"File attached", "أُرفق ملف"},

	"err.attachment_required":  {"Choose a file to attach.", "اختر ملفاً لإرفاقه."},
	"err.attachment_too_large": {"The file is larger than %s MB.", "حجم الملف أكبر من %s ميغابايت."},
	"err.attachment_type": {"This type of file is not accepted (PDF, images, text and Office documents are).",
		"هذا النوع من الملفات غير مقبول (المقبول: PDF والصور والنصوص ومستندات Office)."},
	"err.attachment_empty": {"The file is empty.", "الملف فارغ."},
	"err.attachment_limit": {"This complaint has the most files allowed (%s).", "بلغت هذه الشكوى الحد الأقصى للملفات (%s)."},

	"audit.complaint_attachment.create": {"Complaint file attached", "إرفاق ملف بشكوى"},
	"audit.complaint_attachment.view":   {"Complaint file downloaded", "تنزيل ملف شكوى"},
}
