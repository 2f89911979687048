# One image for the gateway and the four subgraphs; docker-compose.yml picks the command.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY kernel/config ./kernel/config
COPY subgraphs/health-code/prisma ./subgraphs/health-code/prisma
COPY subgraphs/health-code/prisma.config.ts ./subgraphs/health-code/
COPY subgraphs/testing/prisma ./subgraphs/testing/prisma
COPY subgraphs/testing/prisma.config.ts ./subgraphs/testing/
COPY subgraphs/venues/prisma ./subgraphs/venues/prisma
COPY subgraphs/venues/prisma.config.ts ./subgraphs/venues/
COPY subgraphs/appeals/prisma ./subgraphs/appeals/prisma
COPY subgraphs/appeals/prisma.config.ts ./subgraphs/appeals/
RUN npm ci --no-audit --no-fund
COPY . .
ENV HOST=0.0.0.0
EXPOSE 4000 4001 4002 4003 4004 4005
CMD ["npm", "run", "start:gateway"]
