package views

// feedbackMessages are the texts of the feedback and observation screens.
var feedbackMessages = map[string]message{}
