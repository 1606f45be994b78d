package hiapi

// AnswerOf lets the tests of the client's calls read their verdicts from
// the same reply and error, as Live does.
var AnswerOf = answerOf
