package translate

// IndirectTarget exposes indirectTarget to the external tests (the reference
// register-use analysis follows the same indirect edges).
var IndirectTarget = indirectTarget
