# Copyright: tencent.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The live_callback source in a process of its own, with a rule engine that takes no events until the
file given as the first argument exists (as ansible-rulebook takes none while its actions run); then it
takes every event and prints its stream name, one JSON line each. Its memory is measured from outside.

Usage: python busy_engine.py RESUME_FILE SOURCE_PATH JSON_ARGS
"""

import asyncio
import json
import os
import runpy
import sys


async def engine(queue, resume_file):
    while not os.path.exists(resume_file):
        await asyncio.sleep(0.05)
    while True:
        event = await queue.get()
        if isinstance(event, dict):
            print(json.dumps(event["tencent_live"]["stream_name"]), flush=True)


async def run(resume_file, source_path, args):
    queue = asyncio.Queue(1)  # ansible-rulebook's source queue holds one event
    await queue.put("an event the engine has not taken")
    source = runpy.run_path(source_path)
    await asyncio.gather(source["main"](queue, args), engine(queue, resume_file))


if __name__ == "__main__":
    asyncio.run(run(sys.argv[1], sys.argv[2], json.loads(sys.argv[3])))
