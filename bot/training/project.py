"""Where the training inputs, the evaluation data and the models are: the project's own files, or
a copy of them (tests train on copies in temporary directories, never on the project's files; a
training run trains on a temporary copy that holds the trainers' additions too, bot.training.inputs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.config import PROJECT_ROOT, settings

CONFIG_FILES = ("config.yml", "domain.yml")
TRAINING_DATA = ("data/nlu", "data/rules.yml", "data/stories.yml")
INTENT_NAMES = "data/intent_names.yml"


@dataclass(frozen=True)
class Project:
    """The files of one project tree. `models_dir` defaults to BOT_MODELS_DIR (or models/) for the
    project itself and to ROOT/models for a copy; `evaluation_root` (default: `root`) is where the
    held-out set, the test stories and the seed catalogue are read."""

    root: Path = PROJECT_ROOT
    models_dir: Path = field(default=None)  # type: ignore[assignment]
    evaluation_root: Path = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root))
        object.__setattr__(self, "evaluation_root", Path(self.evaluation_root or self.root))
        if self.models_dir is None:
            default = settings().models_dir if self.root == PROJECT_ROOT else self.root / "models"
            object.__setattr__(self, "models_dir", default)
        object.__setattr__(self, "models_dir", Path(self.models_dir))

    @property
    def config(self) -> Path:
        return self.root / "config.yml"

    @property
    def domain(self) -> Path:
        return self.root / "domain.yml"

    @property
    def nlu_dir(self) -> Path:
        return self.root / "data" / "nlu"

    @property
    def rules(self) -> Path:
        return self.root / "data" / "rules.yml"

    @property
    def intent_names(self) -> Path:
        """The Norwegian name of each intent in the files (what trainers see)."""
        return self.root / INTENT_NAMES

    @property
    def training_data(self) -> list[Path]:
        """The data paths `rasa train` and `rasa data validate` get (those that exist)."""
        return [self.root / name for name in TRAINING_DATA if (self.root / name).exists()]

    @property
    def heldout(self) -> Path:
        """NLU messages never trained on, for scoring a model."""
        return self.evaluation_root / "bench" / "data" / "nlu_heldout.yml"

    @property
    def test_stories(self) -> Path:
        return self.evaluation_root / "tests" / "test_stories.yml"

    @property
    def catalogue_seed(self) -> Path:
        return self.evaluation_root / "data" / "catalogue" / "tools.yml"

    def training_files(self) -> list[Path]:
        """Every file that goes into a model, in a stable order."""
        files: list[Path] = []
        for name in (*CONFIG_FILES, *TRAINING_DATA):
            path = self.root / name
            if path.is_dir():
                files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in (".yml", ".yaml"))
            elif path.is_file():
                files.append(path)
        return files
