#!/bin/sh
# Install Kaohe from this bundle with no network: ./install.sh [TARGET_DIR] (default /srv/kaohe).
# Needs python3 (3.11 or newer) with its venv module; nothing else is downloaded.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
target=${1:-/srv/kaohe}
python=${PYTHON:-python3}
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "需要 Python 3.11 或更新版本" >&2; exit 1; }
(cd "$here" && sha256sum --quiet -c SHA256SUMS) || { echo "安装包校验失败（SHA256SUMS）" >&2; exit 1; }
"$python" -m venv "$target/.venv"
"$target/.venv/bin/pip" install --quiet --no-index --find-links "$here/wheels" kaohe
echo "已安装到 $target/.venv；下一步见 README.md（配置 /etc/kaohe.env，migrate，collectstatic，启动）"
