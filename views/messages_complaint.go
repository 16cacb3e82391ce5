package views

// complaintMessages are the strings of complaints: intake, workflow, SLA, tracking.
var complaintMessages = map[string]message{}
