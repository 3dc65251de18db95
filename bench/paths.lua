-- wrk script: each request takes the next path from bench/paths.txt (written by bench/rest.sh), with the key.
local paths = {}
for line in io.lines(os.getenv("PATHS_FILE")) do paths[#paths + 1] = line end
local i = 0
request = function()
    i = i % #paths + 1
    return wrk.format("GET", paths[i], { ["Authorization"] = "Bearer " .. os.getenv("KEY") })
end
