"""The trainers' engine: quiz questions from the conversation library, scoring against the
fixture's gold and the guard, resumable training sessions, reports and new material."""
