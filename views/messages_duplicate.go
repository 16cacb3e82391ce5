package views

// duplicateMessages are the strings of possible duplicates and merging complaints.
var duplicateMessages = map[string]message{
	"complaint.duplicates.title":               {"Possible duplicates", "شكاوى مكررة محتملة"},
	"complaint.duplicates.help":                {"Complaints of the same hospital created within 30 days with the same patient, the same phone number or similar text.", "شكاوى المستشفى نفسه المسجلة خلال 30 يوماً للمريض نفسه أو برقم الجوال نفسه أو بنص مشابه."},
	"complaint.duplicates.reasons":             {"Why", "السبب"},
	"complaint.duplicates.reason.same_patient": {"Same patient", "المريض نفسه"},
	"complaint.duplicates.reason.same_phone":   {"Same phone", "رقم الجوال نفسه"},
	"complaint.duplicates.reason.similar_text": {"Similar text", "نص مشابه"},
	"complaint.duplicates.merge_here":          {"Merge into this complaint", "دمجها في هذه الشكوى"},
	"complaint.duplicates.merge_there":         {"Merge this complaint into it", "دمج هذه الشكوى فيها"},
	"complaint.duplicates.confirm":             {"Merge %s into %s? The first is cancelled; its timeline and attachments move to the second. This cannot be undone.", "هل تريد دمج %s في %s؟ ستُلغى الأولى وينتقل سجلها الزمني ومرفقاتها إلى الثانية. لا يمكن التراجع عن ذلك."},
	"complaint.merge":                          {"Merge", "الدمج"},
	"complaint.merged_into":                    {"This complaint was merged into", "دُمجت هذه الشكوى في"},
	"complaint.flash_merged":                   {"Complaints merged.", "دُمجت الشكويان."},
	"complaint.timeline.merged_into":           {"Merged into another complaint and cancelled", "دُمجت في شكوى أخرى وأُلغيت"},
	"complaint.timeline.merged_from":           {"Another complaint was merged into this one", "دُمجت شكوى أخرى في هذه الشكوى"},
	"complaint.timeline.merged_entry":          {"From a merged complaint", "من شكوى مدموجة"},
	"complaint.timeline.merged":                {"Patient told about the merge", "إبلاغ المريض بالدمج"},
	"audit.complaint.merge":                    {"Complaints merged", "دمج شكاوى"},

	"err.merge_self":               {"A complaint cannot be merged into itself.", "لا يمكن دمج الشكوى في نفسها."},
	"err.merge_other_hospital":     {"Only complaints of the same hospital can be merged.", "لا يمكن الدمج إلا بين شكاوى المستشفى نفسه."},
	"err.merge_already_merged":     {"One of these complaints has already been merged.", "سبق دمج إحدى هاتين الشكويين."},
	"err.merge_survivor_cancelled": {"A cancelled complaint cannot take in another one.", "لا يمكن دمج شكوى في شكوى ملغاة."},
	"err.duplicate_id_required":    {"Choose the complaint to merge.", "اختر الشكوى المراد دمجها."},
}
