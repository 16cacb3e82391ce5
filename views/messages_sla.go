package views

// slaMessages are the strings of SLA rules and hospital calendars.
var slaMessages = map[string]message{}
