# Mensajes de la interfaz: cada idioma los necesita todos (ver docs/reglas.md, "Mensajes de la interfaz").

ui-back = ⬅️ Atrás
ui-restart = 🔄 Empezar de nuevo
ui-progress = Pregunta { $number }
ui-review-title = Tus respuestas. Toca una para cambiarla, o mira tu resultado.
ui-review-line = { $question }: { $answer }
ui-review-change = ✏️ { $question }
ui-confirm = ✅ Ver mi resultado
ui-editing = Cambia tu respuesta: { $question }
ui-stale = Ese botón es de un mensaje anterior. Aquí es donde estás ahora.
ui-nothing-to-undo = No hay nada a qué volver.
ui-rules-changed = Esta guía se actualizó, así que empezamos otra vez desde el principio.
ui-result-title = Tu resultado:
ui-status-open = ✅ Podrías calificar
ui-status-maybe = ❔ Podría aplicarte: confírmalo con la oficina
ui-status-upcoming = { $precision ->
    [month] 🕒 Abre en { $opens }
   *[day] 🕒 Abre el { $opens }
}
ui-status-closed = { $precision ->
    [month] ⛔ Este programa cerró en { $closes }
   *[day] ⛔ Este programa cerró el { $closes }
}
ui-because = Porque respondiste: { $answers }
ui-sources = Fuentes: { $sources }
ui-footer = Es gratis: nunca le pagues a nadie por esto. Esto no es asesoría legal; solo las autoridades deciden. Guía revisada el { $reviewed }; resultado al { $as_of }.
ui-chat-hint = Escribe el número de tu respuesta. b: atrás, r: empezar de nuevo, q: salir.
ui-privacy = 🔒 Esta guía nunca te pide tu nombre, documentos ni datos de contacto. Tus respuestas solo se usan para mostrarte tu resultado. Es información, no asesoría legal, y es gratis.
