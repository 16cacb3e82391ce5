package views

// callCenterMessages are the texts of the call-center and appreciation screens.
var callCenterMessages = map[string]message{}
