"""Written releases for briefings; three of one event: a call's readout and the news story of the same call a day
later (one event), and another call the same day with another counterpart (another event)."""

from __future__ import annotations

from pathlib import Path

CALL = ("Readout of Secretary of Defense Lloyd J. Austin III's Call With Ukrainian Minister of Defense Rustem Umerov",
        "2023-09-11", "Secretary of Defense Lloyd J. Austin III spoke today with Ukrainian Minister of Defense Rustem "
        "Umerov. Secretary Austin reaffirmed that the United States will provide $175 million in artillery rounds.")
STORY = ("Austin Makes Call to New Counterpart in Ukraine", "2023-09-12",
         "Secretary of Defense Lloyd J. Austin III called Rustem Umerov, the new minister of defense of Ukraine, on "
         "Monday. Umerov thanked Austin for 4,000 rounds of ammunition delivered to Kyiv last week.")
OTHER = ("Readout of Secretary of Defense Lloyd J. Austin III's Call With Israeli Minister of Defense Yoav Gallant",
         "2023-09-11", "Secretary of Defense Lloyd J. Austin III spoke today with Israeli Minister of Defense Yoav "
         "Gallant. Secretary Austin discussed the hostages held by Hamas in Gaza with Minister Gallant.")
# Files a.txt (the call), b.txt (its story) and c.txt (the other call).
FILES = {"a.txt": CALL, "b.txt": STORY, "c.txt": OTHER}


def release(folder: Path, name: str, title: str, day: str, body: str) -> None:
    """One written release as the file `name` in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(f"Title: {title}\nDate: {day}\nSource: https://example.mil/{name}\n\n{body}\n",
                               encoding="utf-8")


def write(folder: Path) -> Path:
    """The three releases as files in `folder`, which is returned."""
    for name, (title, day, body) in FILES.items():
        release(folder, name, title, day, body)
    return folder
