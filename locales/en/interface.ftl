# Interface messages: every locale needs all of them (see docs/rules.md, "Interface messages").

ui-back = ⬅️ Back
ui-restart = 🔄 Start over
ui-progress = Question { $number }
ui-review-title = Your answers. Tap one to change it, or see your result.
ui-review-line = { $question }: { $answer }
ui-review-change = ✏️ { $question }
ui-confirm = ✅ See my result
ui-editing = Change your answer: { $question }
ui-stale = That button belongs to an earlier message. Here is where you are now.
ui-nothing-to-undo = There is nothing to go back to.
ui-rules-changed = This guide was updated, so we are starting again from the beginning.
ui-result-title = Your result:
ui-status-open = ✅ You may be eligible
ui-status-maybe = ❔ This may apply to you: check with the office
ui-status-upcoming = { $precision ->
    [month] 🕒 This opens in { $opens }
   *[day] 🕒 This opens on { $opens }
}
ui-status-closed = { $precision ->
    [month] ⛔ This programme closed in { $closes }
   *[day] ⛔ This programme closed on { $closes }
}
ui-because = Because you answered: { $answers }
ui-sources = Sources: { $sources }
ui-footer = Free of charge: never pay anyone for this. This is not legal advice, and only the authorities decide. Guide reviewed on { $reviewed }; result as of { $as_of }.
ui-chat-hint = Type the number of your answer. b: back, r: start over, q: quit.
ui-privacy = 🔒 This guide never asks for your name, documents or contact details. Your answers are used only to show your result. It gives information, not legal advice, and it is free.
