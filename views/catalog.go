package views

import "fmt"

// catalog holds every string a person reads, in English and Arabic. Each domain keeps
// its strings in its own file (messages_<domain>.go); a key defined twice is a
// programming error caught the moment the package loads (and by the catalog tests).
var catalog = mergeCatalogs(coreMessages, taxonomyMessages, slaMessages, complaintMessages, explanationMessages, duplicateMessages, attachmentMessages, searchMessages, notifyMessages, surveyPublicMessages, hisMessages, surveyMessages, actionMessages, feedbackMessages, callCenterMessages, setupMessages, analysisMessages)

func mergeCatalogs(parts ...map[string]message) map[string]message {
	all := map[string]message{}
	for _, part := range parts {
		for k, m := range part {
			if _, dup := all[k]; dup {
				panic(fmt.Sprintf("views: message %q is defined twice", k))
			}
			all[k] = m
		}
	}
	return all
}
