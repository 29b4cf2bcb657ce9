"""Words as inputs: type a sentence, each word becomes one step's x_t."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from simulator.session import Session
from simulator.ui.undo import UndoableEdits
from simulator.words import UNKNOWN, default_vocabulary


class SentenceBox(QGroupBox):
    """A sentence field for sessions whose input is the built-in vocabulary (one-hot words).

    Shown only when the session's input size equals the vocabulary's; the words
    become the step labels, unknown ones shown as ``<unk> (word)``.
    """

    def __init__(self, session: Session, edits: UndoableEdits, parent: QWidget | None = None) -> None:
        super().__init__("Words as inputs", parent)
        self.session, self.edits = session, edits
        self.vocabulary = default_vocabulary()
        self.field = QLineEdit()
        self.field.setObjectName("sentence_field")
        self.field.setPlaceholderText("Type a sentence, e.g. the film was not bad")
        self.field.setToolTip("Each word becomes one step's input x_t (press Enter to use it)")
        self.apply_button = QPushButton("Use sentence")
        self.apply_button.setToolTip("Replace the input sequence with the words of this sentence")
        self.message = QLabel()
        self.message.setWordWrap(True)
        known = ", ".join(w for w in self.vocabulary.words if w != UNKNOWN)
        self.setToolTip(f"Known words: {known}. Any other word becomes {UNKNOWN}.")

        row = QHBoxLayout()
        row.addWidget(self.field, 1)
        row.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.message)

        self.field.returnPressed.connect(self.apply)
        self.apply_button.clicked.connect(self.apply)
        session.replaced.connect(self.refresh)
        session.inputs_changed.connect(self.refresh)
        self.refresh()

    @property
    def applies(self) -> bool:
        """Whether the session reads one-hot words of the built-in vocabulary."""
        return self.session.input_size == self.vocabulary.size

    def refresh(self) -> None:
        self.setVisible(self.applies)
        if self.applies and self.session.step_labels and not self.field.hasFocus():
            self.field.setText(
                " ".join(label.split(" ")[-1].strip("()") for label in self.session.step_labels)
            )
        self._describe()

    def apply(self) -> bool:
        """Encode the typed sentence and make it the input sequence (one undo step)."""
        try:
            inputs, labels = self.vocabulary.encode(self.field.text())
            self.edits.set_inputs(inputs, labels, text="Type a sentence")
        except ValueError as exc:
            self.message.setText(f"<span style='color:#c62828'><b>{escape(str(exc))}</b></span>")
            return False
        self._describe()
        return True

    def _describe(self) -> None:
        unknown = [label for label in self.session.step_labels if label.startswith(UNKNOWN)]
        if unknown:
            words = ", ".join(escape(label) for label in unknown)
            self.message.setText(f"Not in the vocabulary, read as {escape(UNKNOWN)}: {words}")
        else:
            self.message.setText(f"{len(self.session.step_labels)} words, one per step.")
