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
ui-status-maybe = ❔ This may apply to you: confirm it first (see below who can)
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

# Only in the Telegram bot.
ui-text-hint = Tap one of the buttons under the question, or type the number of your answer.
ui-unknown-command = I don't know that command. /help shows what I can do.
ui-help = This guide asks you a few questions and shows which legal pathways could fit you, with official links.
    /start: begin
    /back: go back to the previous question
    /restart: start over
    /language: change the language
    /privacy: what we keep
    /delete: delete your answers now
ui-language-choose = Choose your language:
ui-language-name = English
ui-answered = ✔️ { $answer }
ui-expired = It has been a long time since your last answer, so we are starting again.
ui-state-lost = Sorry, we could not continue where you were. Let's start again.
ui-deleted = Your answers are deleted. Send /start to begin again.
ui-privacy-details = 🔒 We do not keep your name, your phone number or your messages. While you answer, we keep only your answers to this guide, linked to this chat so you can continue if you come back; they are deleted a day after your last answer, shortly after you see your result, or right away with /delete. Statistics only count totals, never people. Telegram keeps this chat on your phone; you can delete it there.
ui-private-only = This guide works only in private chats. Open a private chat with me to use it.
ui-flood = You are sending messages very fast. Please wait a moment.
ui-unavailable = Something went wrong on our side. Please try again in a moment.
ui-cmd-start = Start the guide
ui-cmd-help = What I can do
ui-cmd-language = Change the language
ui-cmd-restart = Start over
ui-cmd-back = Go back to the previous question
ui-cmd-privacy = What we keep
ui-cmd-delete = Delete your answers
